/* The one place mpmon's version is set. */
#ifndef MPMON_LIB_VERSION_H
#define MPMON_LIB_VERSION_H

#define MPMON_VERSION "0.1.0"

#endif
