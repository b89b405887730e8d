/*
 * `mpmon doc`: a pack's documentation, one page per monitor in the manner of a
 * SCOM management-pack documentation page (title, knowledge article, element
 * properties, diagnostics and recoveries, XML source), as Markdown or as one
 * self-contained HTML file. Rendered from the pack model alone.
 */
#ifndef MPMON_CLI_DOC_H
#define MPMON_CLI_DOC_H

#include "mp-xml/mp.h"

struct buf;
struct engine;

enum doc_format { DOC_MARKDOWN, DOC_HTML };

/*
 * Append the documentation of pack to out: with element_id, the page of that
 * unit monitor (or aggregate monitor, or rule) alone; with element_id NULL, a
 * pack header with a table of contents, then every unit monitor's page and
 * shorter entries for aggregates and rules. Everything taken from the pack is
 * escaped for the format. With e (an engine the pack was added to), a unit
 * monitor's page says whether mpmond runs it, and a monitor mpmon keeps out
 * is marked so with the reason validate gives; NULL leaves that out. Returns
 * 0, -ENOENT when no element has element_id (out then holds nothing new), or
 * -ENOMEM.
 */
int doc_render(struct buf *out, const struct mp_pack *pack, const char *element_id,
	       enum doc_format fmt, const struct engine *e);

/*
 * The `mpmon doc` command: argv[0] is "doc". Returns the exit status: 0, 1 when
 * the pack cannot be read or the element is unknown, 2 for a usage error.
 */
int doc_main(int argc, char **argv);

#endif
