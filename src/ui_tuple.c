/* being written */
#include "cmd.h"
