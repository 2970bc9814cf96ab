// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side helper linked into the UML kernel of `make coverage` only.
 *
 * gcc 7 and later no longer have libgcov write its counters from an atexit()
 * handler: every object gets a destructor at priority 100 instead, placed in
 * .fini_array.00100. UML's dyn.lds.S only collects plain .fini_array into
 * the output section the dynamic loader runs at exit, so those destructors
 * end up in an orphan section that nothing calls, and no .gcda file is ever
 * written. This destructor has no priority, so it lands in .fini_array and
 * runs when UML returns from main(); it asks libgcov to write every object's
 * counters, which the constructors (collected correctly from
 * .init_array.*) registered at start-up.
 */

void __gcov_dump(void);

static void __attribute__((destructor)) uml_gcov_dump(void)
{
	__gcov_dump();
}
