package readings

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestLookup: every name of the table, in both generations, and nothing
// else is read.
func TestLookup(t *testing.T) {
	tests := []struct {
		name string
		want entry
	}{
		{"db.client.connection.count", entry{poolCount, false}},
		{"db.client.connections.usage", entry{poolCount, true}},
		{"db.client.connection.max", entry{poolMax, false}},
		{"db.client.connections.max", entry{poolMax, true}},
		{"db.client.connection.pending_requests", entry{poolPending, false}},
		{"db.client.connections.pending_requests", entry{poolPending, true}},
		{"db.client.connection.timeouts", entry{poolTimeouts, false}},
		{"db.client.connections.timeouts", entry{poolTimeouts, true}},
		{"jvm.memory.used", entry{jvmUsed, false}},
		{"process.runtime.jvm.memory.usage", entry{jvmUsed, true}},
		{"jvm.memory.limit", entry{jvmLimit, false}},
		{"process.runtime.jvm.memory.limit", entry{jvmLimit, true}},
		{"go.memory.used", entry{goUsed, false}},
		{"go.memory.limit", entry{goLimit, false}},
		{"system.filesystem.utilization", entry{fsUtilization, false}},
		{"system.filesystem.usage", entry{fsUsage, false}},
		{"system.filesystem.limit", entry{fsLimit, false}},
		{"db.client.connection.idle.max", entry{}},
		{"jvm.memory.committed", entry{}},
		{"http.server.request.duration", entry{}},
		{"", entry{}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, lookup(tt.name), tt.name)
	}
}
