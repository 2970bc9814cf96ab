/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Trace events of the firmware conduit readiness core.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM conduit

#if !defined(_TRACE_CONDUIT_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_CONDUIT_H

#include <linux/tracepoint.h>

TRACE_EVENT(conduit_claim,
	    TP_PROTO(int id, int ret, const void *caller),
	    TP_ARGS(id, ret, caller),
	    TP_STRUCT__entry(__field(int, id)
			     __field(int, ret)
			     __field(const void *, caller)),
	    TP_fast_assign(__entry->id = id;
			   __entry->ret = ret;
			   __entry->caller = caller;),
	    TP_printk("id=%d ret=%d caller=%pS",
		      __entry->id, __entry->ret, __entry->caller)
);

TRACE_EVENT(conduit_publish,
	    TP_PROTO(int id, int status, int ret),
	    TP_ARGS(id, status, ret),
	    TP_STRUCT__entry(__field(int, id)
			     __field(int, status)
			     __field(int, ret)),
	    TP_fast_assign(__entry->id = id;
			   __entry->status = status;
			   __entry->ret = ret;),
	    TP_printk("id=%d status=%d ret=%d",
		      __entry->id, __entry->status, __entry->ret)
);

TRACE_EVENT(conduit_wait_begin,
	    TP_PROTO(int id),
	    TP_ARGS(id),
	    TP_STRUCT__entry(__field(int, id)),
	    TP_fast_assign(__entry->id = id;),
	    TP_printk("id=%d", __entry->id)
);

TRACE_EVENT(conduit_wait_end,
	    TP_PROTO(int id, int ret),
	    TP_ARGS(id, ret),
	    TP_STRUCT__entry(__field(int, id)
			     __field(int, ret)),
	    TP_fast_assign(__entry->id = id;
			   __entry->ret = ret;),
	    TP_printk("id=%d ret=%d", __entry->id, __entry->ret)
);

TRACE_EVENT(conduit_callback,
	    TP_PROTO(int id, void *fn, int status, bool replay),
	    TP_ARGS(id, fn, status, replay),
	    TP_STRUCT__entry(__field(int, id)
			     __field(void *, fn)
			     __field(int, status)
			     __field(bool, replay)),
	    TP_fast_assign(__entry->id = id;
			   __entry->fn = fn;
			   __entry->status = status;
			   __entry->replay = replay;),
	    TP_printk("id=%d fn=%ps status=%d replay=%d",
		      __entry->id, __entry->fn, __entry->status,
		      __entry->replay)
);

#endif /* _TRACE_CONDUIT_H */

/* This part must be outside protection */
#include <trace/define_trace.h>
