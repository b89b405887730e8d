/*
 * Knowledge-article rendering for the pack loader: the MAML (or, rarely, HTML)
 * content of a SCOM KnowledgeArticle turned into plain-text sections that fit a
 * trap, a terminal or a documentation page. Internal to mp-xml/: it works on
 * libxml2 nodes, which must not leak into mp.h.
 */
#ifndef MPMON_MP_XML_MAML_H
#define MPMON_MP_XML_MAML_H

#include <libxml/tree.h>

#include "mp-xml/mp.h"

#define MAML_NS "http://schemas.microsoft.com/maml/2004/10"

/*
 * Render the children of a MamlContent element: one section per top-level
 * maml:section, titled by its maml:title. Content outside any section goes
 * into an untitled section (title NULL) where it appears. *out is NULL when
 * nothing was rendered. Everything is allocated in a. Returns 0 or -ENOMEM.
 */
int maml_render(struct arena *a, const xmlNode *content, struct mp_section **out);

/*
 * Render the children of an HtmlContent element with the tags stripped, as a
 * single section titled "Summary" (*out NULL when there is no text). Markup
 * written as escaped text is stripped too. Returns 0 or -ENOMEM.
 */
int maml_render_html(struct arena *a, const xmlNode *content, struct mp_section **out);

#endif
