package writesonlyprocessor

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		shape string
		want  string
	}{
		{"mixed", ""},
		{"dbdown", ""},
		{"", `shape: no capture ""`},
		{"../go.mod", "use mixed or dbdown"},
	}
	for _, tt := range tests {
		t.Run(tt.shape, func(t *testing.T) {
			cfg := createDefaultConfig().(*Config)
			cfg.Shape = tt.shape
			err := cfg.Validate()
			if tt.want == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorContains(t, err, tt.want)
		})
	}
}
