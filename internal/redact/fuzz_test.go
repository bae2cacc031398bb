package redact

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/redact/redacttest"
)

// grammarCases are the fuzz targets' connection-string messages: two of
// every grammar form of redacttest, with fixed secrets.
var grammarCases = redacttest.Generate(rand.New(rand.NewPCG(6, 16)), 2*redacttest.Forms())

// FuzzRedact: whatever surrounds a corpus message or a connection string of
// any grammar, the output is valid UTF-8 on one line, at most maxLength
// runes, and holds none of the message's secrets (unless the surrounding
// noise itself contains one); of a grammar's secret, no three characters.
// idx picks the message: the corpus, then grammarCases.
func FuzzRedact(f *testing.F) {
	for i, tc := range corpus {
		f.Add("", "", uint(i), 256)
		f.Add("error: ", " at line 3", uint(i), 40)
		f.Add(tc.in, "password=", uint(i+1), 1)
	}
	for i := range grammarCases {
		idx := uint(len(corpus) + i)
		f.Add("", "", idx, 4096)
		f.Add("Caused by: ", " (SQLSTATE 08001)", idx, 512)
		f.Add("(", ")", idx, 256)
	}
	f.Add("\xff\xfe", "\n\t", uint(0), 3)
	f.Add(strings.Repeat("é", 600), "x", uint(5), 128)
	f.Add("-----BEGIN PRIVATE KEY-----", "", uint(7), 64)
	f.Fuzz(func(t *testing.T, prefix, suffix string, idx uint, maxLength int) {
		maxLength = 1 + abs(maxLength)%5000
		r := MustNew(nil, maxLength) // cheap: the built-in patterns are compiled once
		idx %= uint(len(corpus) + len(grammarCases))
		if idx >= uint(len(corpus)) {
			fuzzGrammarCase(t, r, prefix, suffix, grammarCases[idx-uint(len(corpus))])
			return
		}
		tc := corpus[idx]
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

// fuzzGrammarCase checks one grammar message between fuzzed noise: the
// redacted text holds no three characters of the secret that the noise or
// the text without the secret does not hold.
func fuzzGrammarCase(t *testing.T, r *Redactor, prefix, suffix string, c redacttest.Case) {
	in := prefix + "\n" + c.Text + "\n" + suffix
	got := r.Redact(in)
	if !utf8.ValidString(got) || utf8.RuneCountInString(got) > r.MaxLength() || strings.ContainsAny(got, "\n\t\r") {
		t.Fatalf("not one valid line of at most %d runes: %q", r.MaxLength(), got)
	}
	baseline := r.Redact(prefix + "\n" + c.Context() + "\n" + suffix)
	if leaks := redacttest.Leaks(got, c, prefix, suffix, baseline); len(leaks) > 0 {
		t.Fatalf("%s: secret %q leaks %q\n in: %q\nout: %q", c.Grammar, c.Secret, leaks, in, got)
	}
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
