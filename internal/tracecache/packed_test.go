package tracecache

import (
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
)

// everyField returns an item whose every field, nested ones included, is
// set to a value of its own (seed apart), found by reflection: a field
// added to diagnosis.Evidence and left out of the packing fails the round
// trip below.
func everyField(t *testing.T, seed int) diagnosis.Evidence {
	t.Helper()
	var e diagnosis.Evidence
	n := seed
	var fill func(v reflect.Value)
	fill = func(v reflect.Value) {
		n++
		switch v.Kind() {
		case reflect.Struct:
			for i := range v.NumField() {
				fill(v.Field(i))
			}
		case reflect.String:
			v.SetString(strings.Repeat(string(rune('a'+n%26)), n))
		case reflect.Int, reflect.Int32, reflect.Int64:
			v.SetInt(int64(n))
		case reflect.Uint8, reflect.Uint16:
			v.SetUint(uint64(n))
		case reflect.Bool:
			v.SetBool(true)
		default:
			t.Fatalf("diagnosis.Evidence has a field of kind %s that packing does not know", v.Kind())
		}
	}
	fill(reflect.ValueOf(&e).Elem())
	return e
}

// TestPackRoundTrip: items packed and unpacked in order come back equal,
// every field included, whether a node's items come at once or later.
func TestPackRoundTrip(t *testing.T) {
	tests := []struct {
		name  string
		items []diagnosis.Evidence
	}{
		{"every field", []diagnosis.Evidence{everyField(t, 0)}},
		{"empty", []diagnosis.Evidence{{Kind: diagnosis.KindSpan}, {}}},
		{"several", []diagnosis.Evidence{{ExceptionType: "E1", ExceptionMessage: "first"}, everyField(t, 40), {StatusMessage: "last"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			packed, text := pack(nil, "", tt.items[:1])
			packed, text = pack(packed, text, tt.items[1:]) // a node's later items
			require.Len(t, packed, len(tt.items))
			at := 0
			for i := range packed {
				var got diagnosis.Evidence
				at = unpack(&got, &packed[i], text, at)
				assert.Equal(t, tt.items[i], got, "item %d", i)
			}
			assert.Equal(t, len(text), at, "every byte read")
		})
	}
}

// TestPackClipsLongFields: a field longer than a length can say is
// clipped, not misread.
func TestPackClipsLongFields(t *testing.T) {
	long := strings.Repeat("x", maxFieldLen+10)
	packed, text := pack(nil, "", []diagnosis.Evidence{{Stacktrace: long, Frame: "f"}})
	var got diagnosis.Evidence
	at := unpack(&got, &packed[0], text, 0)
	assert.Len(t, got.Stacktrace, maxFieldLen)
	assert.Equal(t, "f", got.Frame)
	assert.Equal(t, len(text), at)
}

// TestPackedHoldsNoPointer: what a node keeps of its items is nothing the
// garbage collector reads.
func TestPackedHoldsNoPointer(t *testing.T) {
	var hasPointers func(reflect.Type) bool
	hasPointers = func(ty reflect.Type) bool {
		switch ty.Kind() {
		case reflect.Struct:
			for i := range ty.NumField() {
				if hasPointers(ty.Field(i).Type) {
					return true
				}
			}
			return false
		case reflect.Array:
			return hasPointers(ty.Elem())
		case reflect.Pointer, reflect.Slice, reflect.Map, reflect.String, reflect.Interface, reflect.Chan, reflect.Func, reflect.UnsafePointer:
			return true
		default:
			return false
		}
	}
	assert.False(t, hasPointers(reflect.TypeFor[packedItem]()))
}
