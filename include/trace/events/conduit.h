/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Trace events of the firmware conduit readiness core.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM conduit

#if !defined(_TRACE_CONDUIT_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_CONDUIT_H

#include <linux/tracepoint.h>

TRACE_EVENT(conduit_publish,
	    TP_PROTO(const char *name, int status, int ret),
	    TP_ARGS(name, status, ret),
	    TP_STRUCT__entry(__string(name, name)
			     __field(int, status)
			     __field(int, ret)),
	    TP_fast_assign(__assign_str(name);
			   __entry->status = status;
			   __entry->ret = ret;),
	    TP_printk("conduit=%s status=%d ret=%d",
		      __get_str(name), __entry->status, __entry->ret)
);

TRACE_EVENT(conduit_wait_begin,
	    TP_PROTO(const char *name),
	    TP_ARGS(name),
	    TP_STRUCT__entry(__string(name, name)),
	    TP_fast_assign(__assign_str(name);),
	    TP_printk("conduit=%s", __get_str(name))
);

TRACE_EVENT(conduit_wait_end,
	    TP_PROTO(const char *name, int ret),
	    TP_ARGS(name, ret),
	    TP_STRUCT__entry(__string(name, name)
			     __field(int, ret)),
	    TP_fast_assign(__assign_str(name);
			   __entry->ret = ret;),
	    TP_printk("conduit=%s ret=%d", __get_str(name), __entry->ret)
);

TRACE_EVENT(conduit_callback,
	    TP_PROTO(const char *name, void *fn, int status, bool at_once),
	    TP_ARGS(name, fn, status, at_once),
	    TP_STRUCT__entry(__string(name, name)
			     __field(void *, fn)
			     __field(int, status)
			     __field(bool, at_once)),
	    TP_fast_assign(__assign_str(name);
			   __entry->fn = fn;
			   __entry->status = status;
			   __entry->at_once = at_once;),
	    TP_printk("conduit=%s fn=%ps status=%d at_once=%d",
		      __get_str(name), __entry->fn, __entry->status,
		      __entry->at_once)
);

#endif /* _TRACE_CONDUIT_H */

/* This part must be outside protection */
#include <trace/define_trace.h>
