/*
 * Fuzz target: the expression compiler and evaluator. The input is an
 * expression in SCOM's XML (what goes inside <Expression>), then a line "%%",
 * then events as JSON lines. The expression is put in the Configuration of a
 * small pack and loaded with mp_load, so the tree is the one the loader builds;
 * it is compiled with expr_compile and evaluated against every event.
 * Properties: no crash or leak; evaluation is deterministic; and the dispatch
 * numbers agree with evaluation: when expr_numbers says only events numbered
 * N1..Nk can pass, no other event passes (the engine's index relies on it).
 */
#include "tests/fuzz/fuzz.h"

#include "lib/buf.h"
#include "lib/diag.h"
#include "mp-xml/mp.h"
#include "rules/event.h"
#include "rules/expr.h"
#include "rules/format.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NUMS 16

static const char head[] =
	"<ManagementPack><Manifest><Identity><ID>Fuzz</ID><Version>1.0.0.0</Version>"
	"</Identity></Manifest><Monitoring><Monitors><UnitMonitor ID=\"Fuzz.M\" "
	"Target=\"Fuzz.T\" TypeID=\"Fuzz.Type\"><Configuration><Expression>";
static const char tail[] = "</Expression></Configuration></UnitMonitor></Monitors>"
	"</Monitoring></ManagementPack>";

static void run_events(const struct expr *x, const char *p, const char *end)
{
	struct format_ctx ctx = { 1795651200000000LL, 0 };
	uint64_t nums[MAX_NUMS];
	size_t n = 0, i;
	bool constrained = expr_numbers(x, nums, MAX_NUMS, &n);

	FUZZ_CHECK(!constrained || n <= MAX_NUMS, "expr_numbers stays within max");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl ? nl : end) - p);
		char err[FORMAT_ERR_LEN];
		char *line = malloc(len ? len : 1);
		struct event ev;
		bool pass, found;

		if (!line)
			return;
		memcpy(line, p, len);
		event_reset(&ev);
		if (format_json.parse(&format_json, &ctx, line, len, &ev, err) == 0) {
			pass = expr_eval(x, &ev);
			FUZZ_CHECK(pass == expr_eval(x, &ev), "evaluation is deterministic");
			if (pass && constrained) {
				for (i = 0, found = false; i < n; i++)
					found |= ev.has_number && ev.number == nums[i];
				FUZZ_CHECK(found, "an event that passes has one of expr_numbers' numbers");
			}
		}
		free(line);
		if (!nl)
			break;
		p = nl + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data, *sep, *events, *end = in + size;
	const struct mp_monitor *m;
	const struct mp_elem *cfg;
	struct mp_pack *p = NULL;
	struct expr *x = NULL;
	struct buf doc;
	struct diag d;
	size_t xlen;
	int r;

	sep = memmem(in, size, "\n%%\n", 4);
	xlen = sep ? (size_t)(sep - in) : size;
	events = sep ? sep + 4 : end;
	buf_init(&doc);
	diag_init(&d);
	if (buf_puts(&doc, head) < 0 || buf_append(&doc, in, xlen) < 0 || buf_puts(&doc, tail) < 0)
		goto out;
	if (mp_load("fuzz.xml", doc.data, doc.len, &p, &d) < 0)
		goto out;
	m = mp_pack_monitor(p, "Fuzz.M");
	cfg = m && m->config ? mp_elem_child(m->config, "Expression") : NULL;
	if (!cfg)
		goto out;
	r = expr_compile(cfg, &x, &d);
	FUZZ_CHECK(r == 0 || r == -EINVAL || r == -ENOMEM, "expr_compile returns 0 or -errno");
	FUZZ_CHECK((r == 0) == (x != NULL), "an expression exactly when expr_compile returns 0");
	FUZZ_CHECK(r != -EINVAL || d.errors > 0, "a refused expression says why");
	if (x)
		run_events(x, events, end);
out:
	expr_free(x);
	mp_pack_free(p);
	diag_release(&d);
	buf_release(&doc);
	return 0;
}
