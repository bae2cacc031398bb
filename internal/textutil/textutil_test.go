package textutil

import (
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

func TestCutAtRune(t *testing.T) {
	assert.Equal(t, "abc", CutAtRune("abc", 5))
	assert.Equal(t, "ab", CutAtRune("abc", 2))
	assert.Equal(t, "a", CutAtRune("aé", 2), "never splits é (2 bytes)")
	assert.Equal(t, "aé", CutAtRune("aé", 3))
	assert.Empty(t, CutAtRune("日本", 2))
}

func TestOneLine(t *testing.T) {
	for in, want := range map[string]string{
		"plain ascii":              "plain ascii",
		"  lead and trail  ":       "lead and trail",
		"multi\n\tline\r\ntext":    "multi line text",
		"ctl\x00\x01chars":         "ctl chars",
		"bad \xff\xfe bytes":       "bad \uFFFD bytes",
		"":                         "",
		"\u00a0nbsp\u2003em space": "nbsp em space",
	} {
		got := OneLine(in)
		assert.Equal(t, want, got, "%q", in)
		assert.True(t, utf8.ValidString(got))
		assert.Equal(t, got, OneLine(got), "idempotent")
	}
}
