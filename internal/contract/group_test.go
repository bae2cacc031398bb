package contract

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/pcommon"
)

func TestServiceOf(t *testing.T) {
	long := "a" + strings.Repeat("é", MaxIdentityField) // the cap falls inside an é
	tests := []struct {
		name  string
		attrs map[string]any
		want  Service
	}{
		{"name and environment", map[string]any{ServiceNameKey: "checkout", EnvironmentKey: "production"}, Service{Name: "checkout", Environment: "production"}},
		{"no environment", map[string]any{ServiceNameKey: "checkout"}, Service{Name: "checkout"}},
		{"nothing", map[string]any{}, Service{}},
		{"not strings", map[string]any{ServiceNameKey: 42, EnvironmentKey: true}, Service{}},
		{"the version is not the identity", map[string]any{ServiceNameKey: "checkout", ServiceVersionKey: "1.1"}, Service{Name: "checkout"}},
		{"cut at a rune", map[string]any{ServiceNameKey: long}, Service{Name: long[:MaxIdentityField-1]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := pcommon.NewMap()
			assert.NoError(t, m.FromRaw(tt.attrs))
			got := ServiceOf(m)
			assert.Equal(t, tt.want, got)
			assert.True(t, utf8.ValidString(got.Name))
		})
	}
}

func TestIdentityAttr(t *testing.T) {
	tests := []struct {
		name  string
		value any
		want  string
	}{
		{"string", "4f9a2c1", "4f9a2c1"},
		{"empty", "", ""},
		{"int", 7, ""},
		{"bytes", []byte("4f9a2c1"), ""},
		{"at the cap", strings.Repeat("a", MaxIdentityField), strings.Repeat("a", MaxIdentityField)},
		{"over the cap", strings.Repeat("a", MaxIdentityField+1), strings.Repeat("a", MaxIdentityField)},
		{"a rune across the cap", strings.Repeat("a", MaxIdentityField-1) + "é", strings.Repeat("a", MaxIdentityField-1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := pcommon.NewMap()
			assert.NoError(t, m.FromRaw(map[string]any{RevisionKey: tt.value}))
			assert.Equal(t, tt.want, IdentityAttr(m, RevisionKey))
		})
	}
	assert.Empty(t, IdentityAttr(pcommon.NewMap(), RevisionKey), "absent")
}
