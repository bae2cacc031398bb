package redact

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// customerID is a user's extra pattern in FuzzRedactArbitrary. It has no
// right-hand boundary, so a cut match cannot turn into a new one.
const customerID = `cust-[0-9]+`

var customerIDRe = regexp.MustCompile(customerID)

// FuzzRedactArbitrary: any string at any max length gives valid UTF-8 on one
// line of at most maxLength runes, from Redact and from Cap; Cap is
// idempotent; a user's extra pattern never survives.
func FuzzRedactArbitrary(f *testing.F) {
	for _, tc := range corpus {
		f.Add(tc.in, 256)
		f.Add(tc.in+" cust-123456 "+tc.in, 16)
	}
	for _, c := range grammarCases {
		f.Add(c.Text, 4096)
		f.Add(c.Text+" cust-42 "+c.Text, 64)
	}
	f.Add("", 0)
	f.Add("\xff\xfe\xfd", -1)
	f.Add(strings.Repeat("a\u0300", 5000), 17)
	f.Add(strings.Repeat("password=", 3000)+"x", 4096)
	f.Add("-----BEGIN PRIVATE KEY-----"+strings.Repeat("\n", 2000), 16)
	f.Add("cust-\xff1 cust-\n2 cust-１", 40)
	f.Fuzz(func(t *testing.T, s string, maxLength int) {
		maxLength = abs(maxLength) % 5000
		r := MustNew([]string{customerID}, maxLength)
		limit := r.MaxLength()
		for name, got := range map[string]string{"Redact": r.Redact(s), "Cap": r.Cap(s)} {
			if !utf8.ValidString(got) {
				t.Fatalf("%s: invalid UTF-8: %q", name, got)
			}
			if n := utf8.RuneCountInString(got); n > limit {
				t.Fatalf("%s: %d runes > %d: %q", name, n, limit, got)
			}
			if strings.ContainsAny(got, "\n\t\r\x00") {
				t.Fatalf("%s: not one clean line: %q", name, got)
			}
		}
		if c := r.Cap(s); r.Cap(c) != c {
			t.Fatalf("Cap is not idempotent: %q -> %q", c, r.Cap(c))
		}
		if got := r.Redact(s); customerIDRe.MatchString(got) {
			t.Fatalf("extra pattern %s survived: in %q, out %q", customerID, s, got)
		}
	})
}
