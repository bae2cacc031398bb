package redacttest

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestGenerate: every form comes in turn; each case's text holds its secret
// as written and every part to keep; secrets are 8 to 24 characters, at
// least four of them special, without a space at either end.
func TestGenerate(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	cases := Generate(rng, 3*Forms())
	if len(cases) != 3*Forms() {
		t.Fatalf("%d cases, want %d", len(cases), 3*Forms())
	}
	grammars := map[string]int{}
	for _, c := range cases {
		grammars[c.Grammar]++
		if !strings.Contains(c.Text, c.Written) {
			t.Errorf("%s: the text %q does not hold the secret as written %q", c.Grammar, c.Text, c.Written)
		}
		for _, k := range c.Keep {
			if !strings.Contains(c.Text, k) {
				t.Errorf("%s: the text %q does not hold %q to keep", c.Grammar, c.Text, k)
			}
		}
		special := 0
		for _, r := range c.Secret {
			if strings.ContainsRune(Specials, r) {
				special++
			}
		}
		if n := len(c.Secret); n < 8 || n > 24 || special < 4 || strings.TrimSpace(c.Secret) != c.Secret {
			t.Errorf("%s: secret %q out of shape", c.Grammar, c.Secret)
		}
	}
	if len(grammars) == 0 {
		t.Fatal("no grammar")
	}
}

// TestLeaksAndLost: a redaction that masks the secret leaks nothing and
// loses nothing; the text itself leaks the secret; a text without the
// parts to keep loses them.
func TestLeaksAndLost(t *testing.T) {
	c := Case{Text: "FATAL: password authentication failed: postgres://app:Pa$$w0rd!@db:5432/shop", Secret: "Pa$$w0rd!", Written: "Pa$$w0rd!", Keep: []string{"db:5432", "shop"}}
	if leaks := Leaks(c.Context(), c); len(leaks) != 0 {
		t.Errorf("the masked text leaks %q", leaks)
	}
	if leaks := Leaks(c.Text, c); len(leaks) == 0 {
		t.Error("the text itself leaks nothing")
	}
	if lost := Lost(c.Context(), c); len(lost) != 0 {
		t.Errorf("the masked text loses %q", lost)
	}
	if lost := Lost("FATAL: ***", c); len(lost) != 2 {
		t.Errorf("lost %q, want both parts", lost)
	}
	if lost := Lost("at db:5432 /shop", Case{Keep: []string{"at  db:5432"}}); len(lost) != 0 {
		t.Errorf("runs of spaces fold to one: lost %q", lost)
	}
}
