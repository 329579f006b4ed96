/* viz/kernels.h - the kernel presets and the notes' examples moved to the engine
 * (engine/kernels.h); this name stays for the views and tests that include it.
 * Depends on: engine (kernels). */
#ifndef CONVSCOPE_VIZ_KERNELS_H
#define CONVSCOPE_VIZ_KERNELS_H

#include "engine/kernels.h"

#endif
