// bexpr-oracle: go-bexpr v0.1.2 over structs that mirror the Consul types each filtered endpoint uses.
//
// Reads JSON lines {"endpoint": E, "expr": X, "data": [...]} on stdin (data as consulite renders the
// elements); writes one JSON line per input: {"error": text} when CreateFilter fails, otherwise
// {"results": [r...]} with r one of true, false, "error: <text>" (Execute failed) or "panic: <text>",
// one per element, each element filtered on its own.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"reflect"

	bexpr "github.com/hashicorp/go-bexpr"
)

type ServiceAddress struct {
	Address string
	Port    int
}

type Weights struct {
	Passing int
	Warning int
}

type MeshGatewayConfig struct{ Mode string }

type ExposePath struct {
	ListenerPort    int
	Path            string
	LocalPathPort   int
	Protocol        string
	ParsedFromCheck bool
}

type ExposeConfig struct {
	Checks bool
	Paths  []ExposePath
}

type TransparentProxyConfig struct {
	OutboundListenerPort int
	DialedDirectly       bool
}

type Upstream struct {
	DestinationType      string
	DestinationPartition string
	DestinationNamespace string
	DestinationPeer      string
	DestinationName      string
	Datacenter           string
	LocalBindAddress     string
	LocalBindPort        int
	LocalBindSocketPath  string
	LocalBindSocketMode  string
	Config               map[string]interface{} `bexpr:"-"`
	MeshGateway          MeshGatewayConfig
	CentrallyConfigured  bool `bexpr:"-"`
}

// api.AgentServiceConnectProxyConfig
type AgentProxy struct {
	DestinationServiceName string
	DestinationServiceID   string
	LocalServiceAddress    string
	LocalServicePort       int
	LocalServiceSocketPath string
	Mode                   string
	TransparentProxy       *TransparentProxyConfig
	Config                 map[string]interface{} `bexpr:"-"`
	Upstreams              []Upstream
	MeshGateway            MeshGatewayConfig
	Expose                 ExposeConfig
}

type AgentConnect struct {
	Native         bool
	SidecarService map[string]interface{} `bexpr:"-"`
}

// api.AgentService
type AgentService struct {
	Kind              string
	ID                string
	Service           string
	Tags              []string
	Meta              map[string]string
	Port              int
	Address           string
	SocketPath        string `bexpr:"-"`
	TaggedAddresses   map[string]ServiceAddress
	Weights           Weights
	EnableTagOverride bool
	CreateIndex       uint64 `bexpr:"-"`
	ModifyIndex       uint64 `bexpr:"-"`
	ContentHash       string `bexpr:"-"`
	Proxy             *AgentProxy
	Connect           *AgentConnect
	PeerName          string
	Namespace         string `bexpr:"-"`
	Partition         string `bexpr:"-"`
	Datacenter        string `bexpr:"-"`
}

// structs.ConnectProxyConfig (a value, never nil, in structs.NodeService and structs.ServiceNode)
type ProxyConfig struct {
	DestinationServiceName string
	DestinationServiceID   string
	LocalServiceAddress    string
	LocalServicePort       int
	LocalServiceSocketPath string
	Mode                   string
	TransparentProxy       TransparentProxyConfig
	Config                 map[string]interface{} `bexpr:"-"`
	Upstreams              []Upstream
	MeshGateway            MeshGatewayConfig
	Expose                 ExposeConfig
}

type ServiceConnect struct {
	Native         bool
	SidecarService map[string]interface{} `bexpr:"-"`
}

// structs.ServiceNode
type ServiceNode struct {
	ID                       string
	Node                     string
	Address                  string
	Datacenter               string
	TaggedAddresses          map[string]string
	NodeMeta                 map[string]string
	ServiceKind              string
	ServiceID                string
	ServiceName              string
	ServiceTags              []string
	ServiceAddress           string
	ServiceTaggedAddresses   map[string]ServiceAddress
	ServiceWeights           Weights
	ServiceMeta              map[string]string
	ServicePort              int
	ServiceSocketPath        string
	ServiceEnableTagOverride bool
	ServiceProxy             ProxyConfig
	ServiceConnect           ServiceConnect
	PeerName                 string
	Partition                string `bexpr:"-"`
	Namespace                string `bexpr:"-"`
	CreateIndex              uint64 `bexpr:"-"`
	ModifyIndex              uint64 `bexpr:"-"`
}

// structs.NodeService
type NodeService struct {
	Kind              string
	ID                string
	Service           string
	Tags              []string
	Address           string
	TaggedAddresses   map[string]ServiceAddress
	Meta              map[string]string
	Port              int
	SocketPath        string
	Weights           *Weights
	EnableTagOverride bool
	Proxy             ProxyConfig
	Connect           ServiceConnect
	PeerName          string
	Partition         string `bexpr:"-"`
	Namespace         string `bexpr:"-"`
	CreateIndex       uint64 `bexpr:"-"`
	ModifyIndex       uint64 `bexpr:"-"`
}

// structs.Node
type Node struct {
	ID              string
	Node            string
	Address         string
	Datacenter      string
	Partition       string `bexpr:"-"`
	PeerName        string
	TaggedAddresses map[string]string
	Meta            map[string]string
	CreateIndex     uint64 `bexpr:"-"`
	ModifyIndex     uint64 `bexpr:"-"`
}

// structs.HealthCheck
type HealthCheck struct {
	Node        string
	CheckID     string
	Name        string
	Status      string
	Notes       string
	Output      string
	ServiceID   string
	ServiceName string
	ServiceTags []string
	Type        string
	Interval    string
	Timeout     string
	ExposedPort int
	PeerName    string
	Definition  map[string]interface{} `bexpr:"-"`
	Partition   string                 `bexpr:"-"`
	Namespace   string                 `bexpr:"-"`
	CreateIndex uint64                 `bexpr:"-"`
	ModifyIndex uint64                 `bexpr:"-"`
}

// structs.CheckServiceNode
type CheckServiceNode struct {
	Node    *Node
	Service *NodeService
	Checks  []*HealthCheck
}

type UpstreamDefaults struct {
	Protocol         string
	ConnectTimeoutMs int
	MeshGateway      MeshGatewayConfig
}

type UpstreamConfiguration struct {
	Overrides []*UpstreamDefaults
	Defaults  *UpstreamDefaults
}

type DestinationConfig struct {
	Addresses []string
	Port      int
}

// structs.ServiceConfigEntry
type ServiceDefaults struct {
	Kind                      string
	Name                      string
	Protocol                  string
	Mode                      string
	TransparentProxy          TransparentProxyConfig
	MutualTLSMode             string
	MeshGateway               MeshGatewayConfig
	Expose                    ExposeConfig
	ExternalSNI               string
	UpstreamConfig            *UpstreamConfiguration
	Destination               *DestinationConfig
	MaxInboundConnections     int
	LocalConnectTimeoutMs     int
	LocalRequestTimeoutMs     int
	BalanceInboundConnections string
	Meta                      map[string]string
	Partition                 string `bexpr:"-"`
	Namespace                 string `bexpr:"-"`
	CreateIndex               uint64 `bexpr:"-"`
	ModifyIndex               uint64 `bexpr:"-"`
}

var types = map[string]reflect.Type{
	"agent-service":      reflect.TypeOf(AgentService{}),
	"service-node":       reflect.TypeOf(ServiceNode{}),
	"node-service":       reflect.TypeOf(NodeService{}),
	"check-service-node": reflect.TypeOf(CheckServiceNode{}),
	"health-check":       reflect.TypeOf(HealthCheck{}),
	"node":               reflect.TypeOf(Node{}),
	"service-defaults":   reflect.TypeOf(ServiceDefaults{}),
}

type request struct {
	Endpoint string            `json:"endpoint"`
	Expr     string            `json:"expr"`
	Data     []json.RawMessage `json:"data"`
}

func one(filter *bexpr.Filter, slice reflect.Value) (out interface{}) {
	defer func() {
		if r := recover(); r != nil {
			out = fmt.Sprintf("panic: %v", r)
		}
	}()
	kept, err := filter.Execute(slice.Interface())
	if err != nil {
		return "error: " + err.Error()
	}
	return reflect.ValueOf(kept).Len() == 1
}

func run(req request) map[string]interface{} {
	t, ok := types[req.Endpoint]
	if !ok {
		return map[string]interface{}{"fatal": "unknown endpoint " + req.Endpoint}
	}
	ptr := reflect.PtrTo(t)
	filter, err := bexpr.CreateFilter(req.Expr, nil, reflect.MakeSlice(reflect.SliceOf(ptr), 0, 0).Interface())
	if err != nil {
		return map[string]interface{}{"error": err.Error()}
	}
	results := []interface{}{}
	for _, raw := range req.Data {
		item := reflect.New(t)
		if err := json.Unmarshal(raw, item.Interface()); err != nil {
			results = append(results, "decode: "+err.Error())
			continue
		}
		slice := reflect.Append(reflect.MakeSlice(reflect.SliceOf(ptr), 0, 1), item)
		results = append(results, one(filter, slice))
	}
	return map[string]interface{}{"results": results}
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<26)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var req request
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			_ = out.Encode(map[string]interface{}{"fatal": err.Error()})
			continue
		}
		_ = out.Encode(run(req))
	}
}
