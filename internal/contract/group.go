package contract

import (
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/textutil"
)

// The resource attributes that identify a service, its version and its
// revision (semantic conventions).
const (
	ServiceNameKey    = "service.name"
	ServiceVersionKey = "service.version"
	EnvironmentKey    = "deployment.environment.name"
	RevisionKey       = "vcs.ref.head.revision"
)

// MaxIdentityField caps, in bytes, the service name, environment, version and revision
// read from a resource, so that a huge value neither takes the registry's
// memory nor tells two groups apart beyond it.
const MaxIdentityField = 256

// Service identifies a service: service.name and, when present,
// deployment.environment.name.
type Service struct {
	Name, Environment string
}

// GroupID identifies an error group: the service and environment of the
// resource, and the fingerprint. The registry counts a group under it; the
// incident connector limits a group's records by it.
type GroupID struct {
	Service
	Fingerprint string
}

// ServiceOf reads the service of a resource's attributes, without
// allocating.
func ServiceOf(resource pcommon.Map) Service {
	return Service{Name: IdentityAttr(resource, ServiceNameKey), Environment: IdentityAttr(resource, EnvironmentKey)}
}

// IdentityAttr is the string attribute key of a resource, cut to
// MaxIdentityField; "" when absent or of another type.
func IdentityAttr(resource pcommon.Map, key string) string {
	if v, ok := resource.Get(key); ok && v.Type() == pcommon.ValueTypeStr {
		return textutil.CutAtRune(v.Str(), MaxIdentityField)
	}
	return ""
}
