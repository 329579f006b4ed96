/* labs/common/labkit.h - the whole lab kit in one include, for the views that use most of it
 * (Backprop's view includes it): option parsing, the bundled digits, picture files,
 * multi-line and wrapped text, the equation strip, the operator glyph and problem panel, the
 * grid helpers and the placement of three grids. Each piece is its own module; include those
 * directly where only one or two are needed. Depends on: the kit's modules, labs/lab.h, engine
 * (idx, sweep), viz. */
#ifndef CONVSCOPE_LABS_COMMON_LABKIT_H
#define CONVSCOPE_LABS_COMMON_LABKIT_H

#include "labs/lab.h"
#include "labs/common/captions.h"
#include "labs/common/column.h"
#include "labs/common/digits.h"
#include "labs/common/grids.h"
#include "labs/common/options.h"
#include "labs/common/picture.h"
#include "labs/common/strip.h"
#include "labs/common/text.h"
#include "labs/common/trio.h"
#include "engine/idx.h"
#include "viz/ease.h"
#include "viz/grid.h"
#include "engine/sweep.h"

#endif
