/* viz/sweep.h - the sweep model moved to the engine (engine/sweep.h); this name stays for the
 * views and tests that include it. Depends on: engine (sweep). */
#ifndef CONVSCOPE_VIZ_SWEEP_H
#define CONVSCOPE_VIZ_SWEEP_H

#include "engine/sweep.h"

#endif
