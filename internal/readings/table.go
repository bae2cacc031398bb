// Package readings keeps the latest readings of a small table of
// semantic-convention metrics per instance (connection pools in both naming
// generations, runtime memory against its limit, filesystem utilization),
// bounded in bytes, and says whether an instance was saturated shortly
// before a span: the evidence a trace cannot show when all it recorded is a
// timeout.
package readings // import "github.com/errordiagnosis/errordiagnosisprocessor/internal/readings"

// series names what a metric of the table measures.
type series uint8

const (
	notRead series = iota
	poolCount
	poolMax
	poolPending
	poolTimeouts
	jvmUsed
	jvmLimit
	goUsed
	goLimit
	fsUtilization
	fsUsage
	fsLimit
)

// entry is a metric of the table: what it measures, and whether the name is
// of the older generation.
type entry struct {
	s   series
	old bool
}

// lookup returns the entry of a metric name. Names, units and attribute
// keys are those of the semantic-convention registry (model/db, model/jvm,
// model/go, model/system and their deprecated/ files) and of the
// instrumentations that emit them: opentelemetry-java-instrumentation's
// JDBC pool metrics (HikariCP, DBCP2, c3p0, Tomcat JDBC, Vibur, UCP) and
// runtime telemetry, opentelemetry-python-contrib's SQLAlchemy pool,
// otel-go's runtime instrumentation, the hostmetrics receiver's filesystem
// scraper.
func lookup(name string) entry {
	switch name {
	case "db.client.connection.count":
		return entry{poolCount, false}
	case "db.client.connections.usage":
		return entry{poolCount, true}
	case "db.client.connection.max":
		return entry{poolMax, false}
	case "db.client.connections.max":
		return entry{poolMax, true}
	case "db.client.connection.pending_requests":
		return entry{poolPending, false}
	case "db.client.connections.pending_requests":
		return entry{poolPending, true}
	case "db.client.connection.timeouts":
		return entry{poolTimeouts, false}
	case "db.client.connections.timeouts":
		return entry{poolTimeouts, true}
	case "jvm.memory.used":
		return entry{jvmUsed, false}
	case "process.runtime.jvm.memory.usage":
		return entry{jvmUsed, true}
	case "jvm.memory.limit":
		return entry{jvmLimit, false}
	case "process.runtime.jvm.memory.limit":
		return entry{jvmLimit, true}
	case "go.memory.used":
		return entry{goUsed, false}
	case "go.memory.limit":
		return entry{goLimit, false}
	case "system.filesystem.utilization":
		return entry{fsUtilization, false}
	case "system.filesystem.usage":
		return entry{fsUsage, false}
	case "system.filesystem.limit":
		return entry{fsLimit, false}
	}
	return entry{}
}

// Metric names as written in evidence, by generation.
var (
	poolCountName    = [2]string{"db.client.connection.count", "db.client.connections.usage"}
	poolPendingName  = [2]string{"db.client.connection.pending_requests", "db.client.connections.pending_requests"}
	poolTimeoutsName = [2]string{"db.client.connection.timeouts", "db.client.connections.timeouts"}
	jvmUsedName      = [2]string{"jvm.memory.used", "process.runtime.jvm.memory.usage"}
)

// Attribute keys, the current generation's first. The older pool
// generation used `state` and `pool.name` (Java agent, SQLAlchemy), their
// registry names `db.client.connections.*`, and `name` (Node.js pools).
var (
	poolNameKeys  = []string{"db.client.connection.pool.name", "pool.name", "db.client.connections.pool.name", "name"}
	poolStateKeys = []string{"db.client.connection.state", "state", "db.client.connections.state"}
	jvmTypeKeys   = []string{"jvm.memory.type", "type"}
	jvmPoolKeys   = []string{"jvm.memory.pool.name", "pool"}
	goTypeKeys    = []string{"go.memory.type"}
	mountKeys     = []string{"system.filesystem.mountpoint", "mountpoint"}
	fsStateKeys   = []string{"system.filesystem.state", "state"}
)

// Identity attributes of a resource (semantic conventions model/service,
// model/host, model/container, model/k8s).
const (
	attrServiceName      = "service.name"
	attrServiceNamespace = "service.namespace"
	attrServiceInstance  = "service.instance.id"
	attrHostName         = "host.name"
	attrContainerID      = "container.id"
	attrPodUID           = "k8s.pod.uid"
	attrPodName          = "k8s.pod.name"
)
