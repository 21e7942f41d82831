// SPDX-License-Identifier: GPL-2.0

#include <linux/capability.h>

/*
 * Without CONFIG_MULTIUSER, capable() is a static inline that bindgen does
 * not see; with it, capable() is an exported function and bindgen binds it
 * directly, so a helper would be a second `capable` in the bindings.
 */
#ifndef CONFIG_MULTIUSER
__rust_helper bool rust_helper_capable(int cap)
{
	return capable(cap);
}
#endif
