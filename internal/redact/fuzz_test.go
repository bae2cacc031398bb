package redact

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzRedact: whatever surrounds a corpus message, the output is valid UTF-8
// on one line, at most maxLength runes, and holds none of the message's
// secrets (unless the surrounding noise itself contains one).
func FuzzRedact(f *testing.F) {
	for i, tc := range corpus {
		f.Add("", "", uint(i), 256)
		f.Add("error: ", " at line 3", uint(i), 40)
		f.Add(tc.in, "password=", uint(i+1), 1)
	}
	f.Add("\xff\xfe", "\n\t", uint(0), 3)
	f.Add(strings.Repeat("é", 600), "x", uint(5), 128)
	f.Add("-----BEGIN PRIVATE KEY-----", "", uint(7), 64)
	f.Fuzz(func(t *testing.T, prefix, suffix string, idx uint, maxLength int) {
		maxLength = 1 + abs(maxLength)%2000
		r := MustNew(nil, maxLength) // cheap: the built-in patterns are compiled once
		tc := corpus[idx%uint(len(corpus))]
		in := prefix + "\n" + tc.in + "\n" + suffix
		for _, got := range []string{r.Redact(in), r.Cap(in)} {
			if !utf8.ValidString(got) {
				t.Fatalf("invalid UTF-8: %q", got)
			}
			if n := utf8.RuneCountInString(got); n > maxLength {
				t.Fatalf("%d runes > %d: %q", n, maxLength, got)
			}
			if strings.ContainsAny(got, "\n\t\r") {
				t.Fatalf("not one line: %q", got)
			}
		}
		got := r.Redact(in)
		for _, s := range tc.secrets {
			if strings.Contains(prefix, s) || strings.Contains(suffix, s) {
				continue
			}
			if strings.Contains(got, s) {
				t.Fatalf("secret %q leaked (%s):\n in: %q\nout: %q", s, tc.name, in, got)
			}
		}
	})
}

func abs(n int) int {
	if n < 0 {
		if -n < 0 { // math.MinInt
			return 0
		}
		return -n
	}
	return n
}
