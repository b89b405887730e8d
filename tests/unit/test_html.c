/*
 * Unit tests for lib/html.c: markup and quotes become references, bytes that
 * are not UTF-8 and control characters become U+FFFD, valid UTF-8 passes.
 */
#include "lib/buf.h"
#include "lib/html.h"
#include "tests/unit/tap.h"

#include <string.h>

static void check(const char *in, size_t n, const char *want, const char *what)
{
	struct buf b;

	buf_init(&b);
	ok(html_escape(&b, in, n) == 0, "%s: returns 0", what);
	is_str(b.data, want, what);
	buf_release(&b);
}

int main(void)
{
	check("<script>alert('x') & \"y\"</script>", 33,
	      "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;", "markup");
	check("Windows\xc2\xae XP", 12, "Windows\xc2\xae XP", "valid UTF-8 kept");
	check("a\xff" "b\xc3", 4, "a\xef\xbf\xbd" "b\xef\xbf\xbd", "invalid UTF-8 replaced");
	check("a\x01" "b\tc\n", 6, "a\xef\xbf\xbd" "b\tc\n", "control characters");
	check("x\0y", 3, "x\xef\xbf\xbdy", "NUL inside the length");
	check(NULL, 0, "", "NULL writes nothing");
	return tap_done();
}
