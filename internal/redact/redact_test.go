package redact

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCorpus(t *testing.T) {
	if len(corpus) < 40 {
		t.Fatalf("corpus has %d cases, want >= 40", len(corpus))
	}
	r := MustNew(nil, 1024)
	for _, tc := range corpus {
		t.Run(tc.name, func(t *testing.T) {
			got := r.Redact(tc.in)
			for _, s := range tc.secrets {
				if strings.Contains(got, s) {
					t.Errorf("secret %q leaked:\n in: %q\nout: %q", s, tc.in, got)
				}
			}
			for _, k := range tc.keep {
				if !strings.Contains(got, k) {
					t.Errorf("context %q lost:\n in: %q\nout: %q", k, tc.in, got)
				}
			}
		})
	}
}

// TestCorpusDefaultLength: with the default cap the secrets still never
// appear, whatever is cut.
func TestCorpusDefaultLength(t *testing.T) {
	for _, n := range []int{0, 16, 40} {
		r := MustNew(nil, n)
		for _, tc := range corpus {
			got := r.Redact(tc.in)
			for _, s := range tc.secrets {
				if strings.Contains(got, s) {
					t.Errorf("max %d, %s: secret %q leaked: %q", n, tc.name, s, got)
				}
			}
		}
	}
}

func TestRedactNoTrigger(t *testing.T) {
	r := MustNew(nil, 0)
	for _, s := range []string{
		"",
		"NullPointerException at com.example.OrderService.place(OrderService.java:42)",
		"relation \"orders\" does not exist",
		"context deadline exceeded",
		"duplicate key value violates unique constraint \"users_email_key\"",
	} {
		if got := r.Redact(s); got != s {
			t.Errorf("Redact(%q) = %q, want unchanged", s, got)
		}
	}
}

func TestCap(t *testing.T) {
	tests := []struct {
		name string
		max  int
		in   string
		want string
	}{
		{"short", 10, "hello", "hello"},
		{"exactly at limit", 5, "hello", "hello"},
		{"one over", 5, "hello!", "hell…"},
		{"multi-byte at limit", 3, "日本語", "日本語"},
		{"multi-byte cut", 3, "日本語です", "日本…"},
		{"emoji cut", 4, "ab😀😀😀", "ab😀…"},
		{"max one", 1, "hello", "…"},
		{"max two", 2, "hello", "h…"},
		{"newlines collapsed", 100, "line one\n\tline two\r\n\r\nline three", "line one line two line three"},
		{"leading and trailing space", 100, "\n\t  x  \n", "x"},
		{"control chars", 100, "a\x00\x01b\x7fc", "a b c"},
		{"only space", 100, " \n\t ", ""},
		{"invalid utf8 replaced", 100, "a\xff\xfeb\xc3", "a\uFFFDb\uFFFD"},
		{"invalid utf8 at cut", 3, "ab\xff\xffcd", "ab…"},
		{"no trailing space before ellipsis", 7, "abcde fghij", "abcde…"},
		{"nbsp and line separator", 100, "a\u00a0\u2028b", "a b"},
		{"U+FFFD kept", 100, "a\uFFFDb", "a\uFFFDb"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := MustNew(nil, tc.max)
			for _, f := range []func(string) string{r.Cap, r.Redact} {
				got := f(tc.in)
				if got != tc.want {
					t.Errorf("got %q, want %q", got, tc.want)
				}
				if !utf8.ValidString(got) || utf8.RuneCountInString(got) > tc.max {
					t.Errorf("invalid result %q", got)
				}
			}
		})
	}
}

func TestDefaultMaxLength(t *testing.T) {
	for _, n := range []int{0, -5} {
		r := MustNew(nil, n)
		if r.MaxLength() != DefaultMaxLength {
			t.Fatalf("MaxLength() = %d", r.MaxLength())
		}
		got := r.Redact(strings.Repeat("é", 1000))
		if utf8.RuneCountInString(got) != DefaultMaxLength || !strings.HasSuffix(got, Ellipsis) {
			t.Errorf("got %d runes: %q", utf8.RuneCountInString(got), got)
		}
	}
}

// TestHugeInput: only a bounded prefix is processed and the result says it
// was cut even when it is short.
func TestHugeInput(t *testing.T) {
	r := MustNew(nil, 20)
	in := "err " + strings.Repeat(" ", 1<<20) + "password=tail"
	got := r.Redact(in)
	if got != "err…" {
		t.Errorf("got %q", got)
	}
	// A secret cut in the middle by the input budget does not leak its head.
	in = strings.Repeat("\n", 2000) + "Authorization: Bearer Zk9xR2a7LqZk9xR2a7Lq"
	for cut := len(in) - 30; cut < len(in); cut++ {
		got := MustNew(nil, 300).Redact(in[:cut])
		if strings.Contains(got, "Zk9x") {
			t.Fatalf("cut %d: %q", cut, got)
		}
	}
}

func TestClipTrimsPartialWord(t *testing.T) {
	r := MustNew(nil, 128) // input budget 1024 bytes
	head := strings.Repeat("x", 1000) + " "
	in := head + "postgres://app:S3cr3tPw@db:5432/shop"
	got := r.Redact(in)
	if strings.Contains(got, "S3cr") {
		t.Fatalf("leaked: %q", got)
	}
	s, cut := r.clip(in, true)
	if !cut || s != head[:len(head)-1] {
		t.Errorf("clip = %q, %v", s[len(s)-10:], cut)
	}
}

func TestExtraPatterns(t *testing.T) {
	r, err := New([]string{`\bEMP-\d{6}\b`, `(?i)ssn[:=]\s*(\d{3})-(\d{2})-(\d{4})`, `tenant=(acme)(-corp)?`}, 0)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ in, want string }{
		{"lookup EMP-123456 failed", "lookup *** failed"},
		{"bad record ssn: 123-45-6789", "bad record ssn: ***-***-***"},
		{"tenant=acme failed", "tenant=*** failed"},
		{"tenant=acme-corp failed", "tenant=*** failed"}, // touching groups: one mask
		{"EMP-12345 stays", "EMP-12345 stays"},
		{"password=x1 and EMP-000001", "password=*** and ***"},
	}
	for _, tc := range tests {
		if got := r.Redact(tc.in); got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestInvalidExtraPattern(t *testing.T) {
	tests := []struct {
		patterns []string
		wantSub  []string
	}{
		{[]string{`ok`, `(unclosed`}, []string{"[1]", `"(unclosed"`, "missing closing )"}},
		{[]string{`a**`}, []string{`"a**"`, "invalid nested repetition"}},
		{[]string{``}, []string{"[0]", "empty pattern"}},
		{[]string{`x*`}, []string{`"x*"`, "matches the empty string"}},
		{[]string{`(?<name`, `[z-a]`}, []string{`"(?<name"`, `"[z-a]"`}},
	}
	for _, tc := range tests {
		r, err := New(tc.patterns, 0)
		if err == nil || r != nil {
			t.Fatalf("New(%q) = %v, %v; want error", tc.patterns, r, err)
		}
		for _, s := range tc.wantSub {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("New(%q) error %q does not contain %q", tc.patterns, err, s)
			}
		}
	}
}

func TestMustNewPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	MustNew([]string{"("}, 0)
}

// TestConcurrentUse: one Redactor used by many goroutines at once gives
// each the output it gives one alone (and the race detector sees no race).
func TestConcurrentUse(t *testing.T) {
	r := MustNew([]string{`EMP-\d+`}, 0)
	want := make([]string, len(corpus))
	for i, tc := range corpus {
		want[i] = r.Redact(tc.in)
	}
	done := make(chan bool)
	for range 8 {
		go func() {
			for i, tc := range corpus {
				if got := r.Redact(tc.in); got != want[i] {
					t.Errorf("concurrent Redact(%q) = %q, alone %q", tc.in, got, want[i])
				}
			}
			done <- true
		}()
	}
	for range 8 {
		<-done
	}
}

var sink string

// BenchmarkRedact measures the memoised path (repeated text) and the
// uncached one (what first-seen text costs).
func BenchmarkRedact(b *testing.B) {
	r := MustNew(nil, 0)
	cases := []struct{ name, in string }{
		{"no_trigger", "java.lang.NullPointerException: Cannot invoke \"com.example.Order.getId()\" because \"order\" is null"},
		{"dsn", "FATAL: could not connect to postgres://app:S3cr3tPw@db:5432/shop?sslmode=disable: connection refused (SQLSTATE 08001)"},
		{"many", "Authorization: Bearer 8f14e45fceea167a5a36dedd4bea2543 user jane@example.com card 4111 1111 1111 1111 password=x ghp_16C7e42F292c6912E7710c838347Ae178B4a"},
		{"long_4KiB", strings.Repeat("at com.example.Service.method(Service.java:123)\n", 90)},
	}
	for _, mode := range []struct {
		name   string
		redact func(string) string
	}{{"memo", r.Redact}, {"uncached", r.redact}} {
		for _, c := range cases {
			b.Run(mode.name+"/"+c.name, func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(c.in)))
				for b.Loop() {
					sink = mode.redact(c.in)
				}
			})
		}
	}
}

func BenchmarkCap(b *testing.B) {
	r := MustNew(nil, 0)
	in := strings.Repeat("service-name ", 40)
	b.ReportAllocs()
	for b.Loop() {
		sink = r.Cap(in)
	}
}
