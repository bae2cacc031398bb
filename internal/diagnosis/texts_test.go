package diagnosis

import (
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stringFields are the names of Evidence's own string fields, by reflection.
func stringFields(t *testing.T) []string {
	t.Helper()
	var names []string
	typ := reflect.TypeFor[Evidence]()
	for i := range typ.NumField() {
		if f := typ.Field(i); f.Type.Kind() == reflect.String {
			names = append(names, f.Name)
		}
	}
	require.NotEmpty(t, names)
	return names
}

// withField is an Evidence whose field name alone holds text.
func withField(name, text string) Evidence {
	var e Evidence
	reflect.ValueOf(&e).Elem().FieldByName(name).SetString(text)
	return e
}

// TestTextFieldsCoverEvidence: every string field of Evidence is in
// textFields once. A field added to Evidence and not to textFields fails
// here.
func TestTextFieldsCoverEvidence(t *testing.T) {
	names := stringFields(t)
	var e Evidence
	assert.Len(t, e.textFields(), len(names), "textFields lists each string field")
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			e := withField(name, "abc")
			n := 0
			for _, f := range e.textFields() {
				if *f == "abc" {
					n++
				}
			}
			assert.Equal(t, 1, n, "textFields points at the field once")
		})
	}
}

// TestOwnTexts: the texts are copied into one allocation and keep their
// values, empty ones included.
func TestOwnTexts(t *testing.T) {
	for _, tc := range []struct {
		name  string
		texts []string
	}{
		{"none", nil},
		{"all empty", []string{"", ""}},
		{"some", []string{"checkout", "", "connection refused"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Join(tc.texts, "")
			got := make([]string, len(tc.texts))
			fields := make([]*string, len(tc.texts))
			at := 0
			for i, s := range tc.texts {
				got[i], at = src[at:at+len(s)], at+len(s)
				fields[i] = &got[i]
			}
			OwnTexts(fields)
			for i := range got {
				assert.Equal(t, tc.texts[i], got[i])
				if got[i] != "" {
					assert.False(t, within(got[i], src), "%q copied", got[i])
				}
			}
		})
	}
}

func address(s string) uintptr { return uintptr(unsafe.Pointer(unsafe.StringData(s))) }

// within reports whether s is a part of the memory of text.
func within(s, text string) bool {
	return address(s) >= address(text) && address(s) < address(text)+uintptr(len(text))
}
