package stackframe

import (
	"slices"
	"testing"
)

// functions is what walk gives of a stack trace: its language and the
// functions, in the order the failure travelled.
func functions(stacktrace string) (string, []string) {
	lang := ""
	var out []string
	walk(stacktrace, func(l *language, w walked) bool {
		lang = l.name
		out = append(out, w.function)
		return true
	})
	return lang, out
}

// TestWalkOrder: from where the innermost exception was raised outwards,
// whatever order its runtime printed the chain in; suppressed exceptions
// left out.
func TestWalkOrder(t *testing.T) {
	for _, tc := range []struct {
		name, stack, lang string
		want              []string
	}{
		{"java: causes printed last, walked first", "java.lang.RuntimeException: wrapped\n" +
			"\tat com.shop.Web.handle(Web.java:10)\n" +
			"\tSuppressed: java.io.IOException: close\n" +
			"\t\tat com.shop.Res.close(Res.java:3)\n" +
			"Caused by: java.sql.SQLException: refused\n" +
			"\tat com.shop.Repo.find(Repo.java:42)\n" +
			"\tat com.shop.Svc.run(Svc.java:7)\n",
			"java", []string{"find", "run", "handle"}},
		{"python: outermost call printed first, chains innermost first", "Traceback (most recent call last):\n" +
			"  File \"/app/db.py\", line 3, in connect\n" +
			"    sock.connect(addr)\n" +
			"ConnectionRefusedError: refused\n\n" +
			"The above exception was the direct cause of the following exception:\n\n" +
			"Traceback (most recent call last):\n" +
			"  File \"/app/views.py\", line 9, in get\n" +
			"    load()\n" +
			"  File \"/app/models.py\", line 5, in load\n" +
			"    connect()\n" +
			"app.Error: no database\n",
			"python", []string{"connect", "load", "get"}},
		{"not a stack trace", "connection refused\nplease retry", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lang, got := functions(tc.stack)
			if lang != tc.lang || !slices.Equal(got, tc.want) {
				t.Errorf("walk = %s %q, want %s %q", lang, got, tc.lang, tc.want)
			}
		})
	}
}

// TestWalkStops: f returning false stops the walk.
func TestWalkStops(t *testing.T) {
	n := 0
	walk("\tat a.B.c(B.java:1)\n\tat a.B.d(B.java:2)\n", func(*language, walked) bool { n++; return false })
	if n != 1 {
		t.Errorf("walked %d frames after stop, want 1", n)
	}
}

// TestParsePythonSource: a Python frame keeps the source line printed
// under it.
func TestParsePythonSource(t *testing.T) {
	_, sections := parse("Traceback (most recent call last):\n  File \"/app/v.py\", line 1, in f\n    return x.total\nAttributeError: x\n", nil)
	if len(sections) != 1 || len(sections[0].frames) != 1 || sections[0].frames[0].source != "return x.total" {
		t.Errorf("sections = %+v", sections)
	}
}
