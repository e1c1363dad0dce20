// Command sds-check is an independent Envoy SDS v3 client built from go-control-plane's
// generated Envoy API and grpc-go. It talks to an SDS server over a Unix socket, runs one
// scenario and prints one JSON object per check on stdout. It exits with status 1 if any check
// failed (each failure is also explained on stderr) and 2 on usage errors.
//
// Scenarios (-scenario):
//
//	sotw           StreamSecrets: the SVID, ACK, silence; add the bundle on the same stream, NACK it, silence
//	delta          DeltaSecrets: subscribe the SVID, ACK, silence; unsubscribe, silence
//	fetch          FetchSecrets for the SVID
//	wait-rotation  StreamSecrets for the SVID, ACK, then wait for exactly one pushed update with a new certificate
package main

import (
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	tlsv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/transport_sockets/tls/v3"
	discoveryv3 "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	secretv3 "github.com/envoyproxy/go-control-plane/envoy/service/secret/v3"
	rpcstatus "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/anypb"

	"signet.test/interop/internal/report"
)

const (
	program          = "sds-check"
	secretTypeURL    = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret"
	spiffeValidator  = "envoy.tls.cert_validator.spiffe"
	spiffeValidatorT = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.SPIFFECertValidatorConfig"
)

type options struct {
	svidName   string
	bundleName string
	expectID   string
	td         string
	timeout    time.Duration
	quiet      time.Duration
	settle     time.Duration
}

var node = &corev3.Node{Id: "interop", Cluster: "interop"}

// errFailed aborts a scenario after a failure has been reported.
var errFailed = errors.New("check failed")

func main() {
	socket := flag.String("socket", "", "SDS server Unix socket: /abs/path or unix:///abs/path (required)")
	scenario := flag.String("scenario", "", "sotw, delta, fetch or wait-rotation (required)")
	var o options
	flag.StringVar(&o.svidName, "svid-name", "default", "name of the SVID secret")
	flag.StringVar(&o.bundleName, "bundle-name", "ROOTCA", "name of the bundle secret (sotw)")
	flag.StringVar(&o.expectID, "expect-id", "", "SPIFFE ID the SVID's URI SAN must carry (required)")
	flag.DurationVar(&o.timeout, "timeout", 10*time.Second, "how long to wait for an expected response (wait-rotation: for the update)")
	flag.DurationVar(&o.quiet, "quiet", 500*time.Millisecond, "how long the server must stay silent when no response is expected")
	flag.DurationVar(&o.settle, "settle", 1500*time.Millisecond, "wait-rotation: how long to watch for a second update after the first")
	flag.Parse()

	if *socket == "" || *scenario == "" || o.expectID == "" {
		flag.Usage()
		os.Exit(2)
	}
	if !strings.HasPrefix(o.expectID, "spiffe://") {
		report.Fatal(program, "-expect-id must be a spiffe:// URI")
	}
	o.td = strings.SplitN(strings.TrimPrefix(o.expectID, "spiffe://"), "/", 2)[0]
	target := *socket
	if strings.HasPrefix(target, "/") {
		target = "unix://" + target
	}
	conn, err := grpc.NewClient(target, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		report.Fatal(program, "cannot create a gRPC client for %s: %v", target, err)
	}
	defer conn.Close()
	client := secretv3.NewSecretDiscoveryServiceClient(conn)
	r := report.New(program)

	ctx, cancel := context.WithCancel(context.Background())
	switch *scenario {
	case "sotw":
		_ = runSotw(ctx, r, client, o)
	case "delta":
		_ = runDelta(ctx, r, client, o)
	case "fetch":
		_ = runFetch(ctx, r, client, o)
	case "wait-rotation":
		_ = runWaitRotation(ctx, r, client, o)
	default:
		report.Fatal(program, "unknown -scenario %q", *scenario)
	}
	cancel()
	conn.Close()
	r.Exit()
}

// ---------------------------------------------------------------------------------------------
// Secret decoding and checks

// certInfo summarizes an SVID secret for the report and for comparing certificates.
type certInfo struct {
	fingerprint string // SHA-256 of the leaf DER
	serial      string
	issuerKeyID string // authority key ID of the last certificate of the chain
	chainLength int
	notAfter    time.Time
}

func (c certInfo) fields() report.Fields {
	return report.Fields{
		"fingerprint":   c.fingerprint,
		"serial":        c.serial,
		"issuer_key_id": c.issuerKeyID,
		"chain_length":  c.chainLength,
		"not_after":     c.notAfter.UTC().Format(time.RFC3339),
	}
}

func decodeSecret(a *anypb.Any) (*tlsv3.Secret, error) {
	if a.GetTypeUrl() != secretTypeURL {
		return nil, fmt.Errorf("resource type %q, want %q", a.GetTypeUrl(), secretTypeURL)
	}
	s := &tlsv3.Secret{}
	if err := a.UnmarshalTo(s); err != nil {
		return nil, fmt.Errorf("cannot decode the Secret: %w", err)
	}
	return s, nil
}

func dataSourceBytes(ds *corev3.DataSource) ([]byte, error) {
	switch sp := ds.GetSpecifier().(type) {
	case *corev3.DataSource_InlineBytes:
		return sp.InlineBytes, nil
	case *corev3.DataSource_InlineString:
		return []byte(sp.InlineString), nil
	case nil:
		return nil, errors.New("empty data source")
	default:
		return nil, fmt.Errorf("data source %T, want inline bytes or string", sp)
	}
}

func parsePEMCerts(b []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	for {
		var block *pem.Block
		block, b = pem.Decode(b)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("unexpected PEM block %q", block.Type)
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("cannot parse a certificate: %w", err)
		}
		certs = append(certs, c)
	}
	if len(strings.TrimSpace(string(b))) != 0 {
		return nil, errors.New("trailing data after the PEM certificates")
	}
	if len(certs) == 0 {
		return nil, errors.New("no PEM certificate")
	}
	return certs, nil
}

func parsePEMKey(b []byte) (crypto.Signer, error) {
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, errors.New("no PEM private key")
	}
	var key any
	var err error
	switch block.Type {
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	default:
		return nil, fmt.Errorf("unexpected PEM block %q for the private key", block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot parse the private key: %w", err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("private key of type %T is not a signer", key)
	}
	return signer, nil
}

// checkSvidSecret checks that s is a tls_certificate named name for the SPIFFE ID expectID.
func checkSvidSecret(s *tlsv3.Secret, name, expectID string) (certInfo, error) {
	if s.GetName() != name {
		return certInfo{}, fmt.Errorf("secret named %q, want %q", s.GetName(), name)
	}
	tc := s.GetTlsCertificate()
	if tc == nil {
		return certInfo{}, fmt.Errorf("secret %q is a %T, want a tls_certificate", name, s.GetType())
	}
	chainPEM, err := dataSourceBytes(tc.GetCertificateChain())
	if err != nil {
		return certInfo{}, fmt.Errorf("certificate_chain: %w", err)
	}
	chain, err := parsePEMCerts(chainPEM)
	if err != nil {
		return certInfo{}, fmt.Errorf("certificate_chain: %w", err)
	}
	leaf := chain[0]
	info := certInfo{
		serial:      leaf.SerialNumber.Text(16),
		issuerKeyID: hex.EncodeToString(chain[len(chain)-1].AuthorityKeyId),
		chainLength: len(chain),
		notAfter:    leaf.NotAfter,
	}
	sum := sha256.Sum256(leaf.Raw)
	info.fingerprint = hex.EncodeToString(sum[:])
	if len(leaf.URIs) != 1 {
		return info, fmt.Errorf("leaf has %d URI SANs, want exactly one", len(leaf.URIs))
	}
	if got := leaf.URIs[0].String(); got != expectID {
		return info, fmt.Errorf("leaf URI SAN %s, want %s", got, expectID)
	}
	keyPEM, err := dataSourceBytes(tc.GetPrivateKey())
	if err != nil {
		return info, fmt.Errorf("private_key: %w", err)
	}
	key, err := parsePEMKey(keyPEM)
	if err != nil {
		return info, err
	}
	if pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool }); !ok || !pub.Equal(leaf.PublicKey) {
		return info, errors.New("the private key does not match the leaf certificate")
	}
	return info, nil
}

// checkBundleSecret checks that s is a validation context named name holding the bundle of td,
// either as trusted_ca or as Envoy's SPIFFE certificate validator. It returns the form.
func checkBundleSecret(s *tlsv3.Secret, name, td string) (report.Fields, error) {
	if s.GetName() != name {
		return nil, fmt.Errorf("secret named %q, want %q", s.GetName(), name)
	}
	vc := s.GetValidationContext()
	if vc == nil {
		return nil, fmt.Errorf("secret %q is a %T, want a validation_context", name, s.GetType())
	}
	if vc.GetTrustedCa() != nil {
		b, err := dataSourceBytes(vc.GetTrustedCa())
		if err != nil {
			return nil, fmt.Errorf("trusted_ca: %w", err)
		}
		certs, err := parsePEMCerts(b)
		if err != nil {
			return nil, fmt.Errorf("trusted_ca: %w", err)
		}
		return report.Fields{"form": "trusted_ca", "authorities": len(certs)}, nil
	}
	cv := vc.GetCustomValidatorConfig()
	if cv == nil {
		return nil, errors.New("validation context has neither trusted_ca nor custom_validator_config")
	}
	if cv.GetName() != spiffeValidator {
		return nil, fmt.Errorf("custom validator %q, want %q", cv.GetName(), spiffeValidator)
	}
	if cv.GetTypedConfig().GetTypeUrl() != spiffeValidatorT {
		return nil, fmt.Errorf("custom validator typed_config %q, want %q", cv.GetTypedConfig().GetTypeUrl(), spiffeValidatorT)
	}
	cfg := &tlsv3.SPIFFECertValidatorConfig{}
	if err := cv.GetTypedConfig().UnmarshalTo(cfg); err != nil {
		return nil, fmt.Errorf("cannot decode SPIFFECertValidatorConfig: %w", err)
	}
	var names []string
	authorities := -1
	for _, d := range cfg.GetTrustDomains() {
		names = append(names, d.GetName())
		if d.GetName() != td {
			continue
		}
		b, err := dataSourceBytes(d.GetTrustBundle())
		if err != nil {
			return nil, fmt.Errorf("trust_domains[%s].trust_bundle: %w", td, err)
		}
		certs, err := parsePEMCerts(b)
		if err != nil {
			return nil, fmt.Errorf("trust_domains[%s].trust_bundle: %w", td, err)
		}
		authorities = len(certs)
	}
	if authorities < 0 {
		return nil, fmt.Errorf("SPIFFECertValidatorConfig trust_domains %v lacks %s", names, td)
	}
	return report.Fields{"form": "spiffe_validator", "trust_domains": names, "authorities": authorities}, nil
}

// ---------------------------------------------------------------------------------------------
// Streams

type recvResult[T any] struct {
	msg *T
	err error
}

// receiver reads a stream in the background so that receives can be waited on with timeouts.
type receiver[T any] struct{ ch chan recvResult[T] }

func startReceiver[T any](recv func() (*T, error)) *receiver[T] {
	r := &receiver[T]{ch: make(chan recvResult[T], 16)}
	go func() {
		for {
			m, err := recv()
			r.ch <- recvResult[T]{m, err}
			if err != nil {
				return
			}
		}
	}()
	return r
}

// next waits up to d for the next message.
func (r *receiver[T]) next(d time.Duration) (*T, error) {
	select {
	case res := <-r.ch:
		if res.err != nil {
			return nil, fmt.Errorf("stream ended: %w", res.err)
		}
		return res.msg, nil
	case <-time.After(d):
		return nil, fmt.Errorf("no response within %s", d)
	}
}

// silent checks that nothing arrives within d.
func (r *receiver[T]) silent(d time.Duration) (*T, error) {
	select {
	case res := <-r.ch:
		if res.err != nil {
			return nil, fmt.Errorf("stream ended while expecting silence: %w", res.err)
		}
		return res.msg, fmt.Errorf("unexpected response within %s", d)
	case <-time.After(d):
		return nil, nil
	}
}

func sotwFields(resp *discoveryv3.DiscoveryResponse) report.Fields {
	var names []string
	for _, a := range resp.GetResources() {
		if s, err := decodeSecret(a); err == nil {
			names = append(names, s.GetName())
		}
	}
	return report.Fields{"version_info": resp.GetVersionInfo(), "nonce": resp.GetNonce(), "resources": names}
}

// checkSotwResponse checks the envelope of a SotW response.
func checkSotwResponse(resp *discoveryv3.DiscoveryResponse) error {
	if resp.GetTypeUrl() != secretTypeURL {
		return fmt.Errorf("response type_url %q, want %q", resp.GetTypeUrl(), secretTypeURL)
	}
	if resp.GetNonce() == "" {
		return errors.New("response without a nonce")
	}
	if resp.GetVersionInfo() == "" {
		return errors.New("response without version_info")
	}
	return nil
}

// svidFromSotw checks that resp carries exactly the SVID secret.
func svidFromSotw(resp *discoveryv3.DiscoveryResponse, o options) (certInfo, error) {
	if err := checkSotwResponse(resp); err != nil {
		return certInfo{}, err
	}
	if n := len(resp.GetResources()); n != 1 {
		return certInfo{}, fmt.Errorf("response carries %d resources, want 1", n)
	}
	s, err := decodeSecret(resp.GetResources()[0])
	if err != nil {
		return certInfo{}, err
	}
	return checkSvidSecret(s, o.svidName, o.expectID)
}

func openSotw(ctx context.Context, client secretv3.SecretDiscoveryServiceClient) (secretv3.SecretDiscoveryService_StreamSecretsClient, *receiver[discoveryv3.DiscoveryResponse], error) {
	stream, err := client.StreamSecrets(ctx)
	if err != nil {
		return nil, nil, err
	}
	return stream, startReceiver(stream.Recv), nil
}

func runSotw(ctx context.Context, r *report.Reporter, client secretv3.SecretDiscoveryServiceClient, o options) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, rx, err := openSotw(ctx, client)
	if err != nil {
		r.Fail("sotw_open", err, nil)
		return errFailed
	}
	defer stream.CloseSend()

	// 1. The SVID.
	names := []string{o.svidName}
	if err := stream.Send(&discoveryv3.DiscoveryRequest{Node: node, TypeUrl: secretTypeURL, ResourceNames: names}); err != nil {
		r.Fail("sotw_svid", fmt.Errorf("send: %w", err), nil)
		return errFailed
	}
	resp, err := rx.next(o.timeout)
	if err != nil {
		r.Fail("sotw_svid", err, nil)
		return errFailed
	}
	info, err := svidFromSotw(resp, o)
	f := sotwFields(resp)
	for k, v := range info.fields() {
		f[k] = v
	}
	if err != nil {
		r.Fail("sotw_svid", err, f)
		return errFailed
	}
	r.OK("sotw_svid", f)
	accepted := resp.GetVersionInfo()

	// 2. ACK, then silence.
	if err := stream.Send(&discoveryv3.DiscoveryRequest{TypeUrl: secretTypeURL, ResourceNames: names, VersionInfo: accepted, ResponseNonce: resp.GetNonce()}); err != nil {
		r.Fail("sotw_ack_quiet", fmt.Errorf("send ACK: %w", err), nil)
		return errFailed
	}
	if extra, err := rx.silent(o.quiet); err != nil {
		r.Fail("sotw_ack_quiet", err, extraFields(extra))
		return errFailed
	}
	r.OK("sotw_ack_quiet", report.Fields{"quiet_ms": o.quiet.Milliseconds()})

	// 3. Add the bundle on the same stream.
	names = []string{o.svidName, o.bundleName}
	if err := stream.Send(&discoveryv3.DiscoveryRequest{TypeUrl: secretTypeURL, ResourceNames: names, VersionInfo: accepted, ResponseNonce: resp.GetNonce()}); err != nil {
		r.Fail("sotw_bundle", fmt.Errorf("send: %w", err), nil)
		return errFailed
	}
	resp2, err := rx.next(o.timeout)
	if err != nil {
		r.Fail("sotw_bundle", err, nil)
		return errFailed
	}
	f = sotwFields(resp2)
	if err := checkSotwResponse(resp2); err != nil {
		r.Fail("sotw_bundle", err, f)
		return errFailed
	}
	var bundleFields report.Fields
	for _, a := range resp2.GetResources() {
		s, err := decodeSecret(a)
		if err != nil {
			r.Fail("sotw_bundle", err, f)
			return errFailed
		}
		switch s.GetName() {
		case o.bundleName:
			if bundleFields, err = checkBundleSecret(s, o.bundleName, o.td); err != nil {
				r.Fail("sotw_bundle", err, f)
				return errFailed
			}
		case o.svidName:
			if _, err := checkSvidSecret(s, o.svidName, o.expectID); err != nil {
				r.Fail("sotw_bundle", fmt.Errorf("the SVID in the second response: %w", err), f)
				return errFailed
			}
		default:
			r.Fail("sotw_bundle", fmt.Errorf("unrequested secret %q", s.GetName()), f)
			return errFailed
		}
	}
	if bundleFields == nil {
		r.Fail("sotw_bundle", fmt.Errorf("the response lacks %q", o.bundleName), f)
		return errFailed
	}
	for k, v := range bundleFields {
		f[k] = v
	}
	r.OK("sotw_bundle", f)

	// 4. NACK it (keeping the accepted version), then silence: no resend of the rejected content.
	nack := &discoveryv3.DiscoveryRequest{
		TypeUrl: secretTypeURL, ResourceNames: names, VersionInfo: accepted, ResponseNonce: resp2.GetNonce(),
		ErrorDetail: &rpcstatus.Status{Code: int32(codes.InvalidArgument), Message: "interop test: rejected on purpose"},
	}
	if err := stream.Send(nack); err != nil {
		r.Fail("sotw_nack_quiet", fmt.Errorf("send NACK: %w", err), nil)
		return errFailed
	}
	if extra, err := rx.silent(o.quiet); err != nil {
		r.Fail("sotw_nack_quiet", err, extraFields(extra))
		return errFailed
	}
	r.OK("sotw_nack_quiet", report.Fields{"quiet_ms": o.quiet.Milliseconds()})
	return nil
}

func extraFields(resp any) report.Fields {
	switch m := resp.(type) {
	case *discoveryv3.DiscoveryResponse:
		if m != nil {
			return sotwFields(m)
		}
	case *discoveryv3.DeltaDiscoveryResponse:
		if m != nil {
			return deltaFields(m)
		}
	}
	return nil
}

func deltaFields(resp *discoveryv3.DeltaDiscoveryResponse) report.Fields {
	names, versions := []string{}, []string{}
	for _, res := range resp.GetResources() {
		names = append(names, res.GetName())
		versions = append(versions, res.GetVersion())
	}
	return report.Fields{"nonce": resp.GetNonce(), "resources": names, "versions": versions, "removed": append([]string{}, resp.GetRemovedResources()...), "system_version_info": resp.GetSystemVersionInfo()}
}

func runDelta(ctx context.Context, r *report.Reporter, client secretv3.SecretDiscoveryServiceClient, o options) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := client.DeltaSecrets(ctx)
	if err != nil {
		r.Fail("delta_open", err, nil)
		return errFailed
	}
	defer stream.CloseSend()
	rx := startReceiver(stream.Recv)

	// 1. Subscribe the SVID.
	if err := stream.Send(&discoveryv3.DeltaDiscoveryRequest{Node: node, TypeUrl: secretTypeURL, ResourceNamesSubscribe: []string{o.svidName}}); err != nil {
		r.Fail("delta_svid", fmt.Errorf("send: %w", err), nil)
		return errFailed
	}
	resp, err := rx.next(o.timeout)
	if err != nil {
		r.Fail("delta_svid", err, nil)
		return errFailed
	}
	f := deltaFields(resp)
	fail := func(check string, err error) error { r.Fail(check, err, f); return errFailed }
	if resp.GetTypeUrl() != secretTypeURL {
		return fail("delta_svid", fmt.Errorf("response type_url %q, want %q", resp.GetTypeUrl(), secretTypeURL))
	}
	if resp.GetNonce() == "" {
		return fail("delta_svid", errors.New("response without a nonce"))
	}
	if len(resp.GetRemovedResources()) != 0 {
		return fail("delta_svid", fmt.Errorf("unexpected removed_resources %v", resp.GetRemovedResources()))
	}
	if n := len(resp.GetResources()); n != 1 {
		return fail("delta_svid", fmt.Errorf("response carries %d resources, want 1", n))
	}
	res := resp.GetResources()[0]
	if res.GetName() != o.svidName {
		return fail("delta_svid", fmt.Errorf("resource named %q, want %q", res.GetName(), o.svidName))
	}
	if res.GetVersion() == "" {
		return fail("delta_svid", errors.New("resource without a version"))
	}
	s, err := decodeSecret(res.GetResource())
	if err != nil {
		return fail("delta_svid", err)
	}
	info, err := checkSvidSecret(s, o.svidName, o.expectID)
	for k, v := range info.fields() {
		f[k] = v
	}
	if err != nil {
		return fail("delta_svid", err)
	}
	r.OK("delta_svid", f)

	// 2. ACK, then silence.
	if err := stream.Send(&discoveryv3.DeltaDiscoveryRequest{TypeUrl: secretTypeURL, ResponseNonce: resp.GetNonce()}); err != nil {
		r.Fail("delta_ack_quiet", fmt.Errorf("send ACK: %w", err), nil)
		return errFailed
	}
	if extra, err := rx.silent(o.quiet); err != nil {
		r.Fail("delta_ack_quiet", err, extraFields(extra))
		return errFailed
	}
	r.OK("delta_ack_quiet", report.Fields{"quiet_ms": o.quiet.Milliseconds()})

	// 3. Unsubscribe, then silence.
	if err := stream.Send(&discoveryv3.DeltaDiscoveryRequest{TypeUrl: secretTypeURL, ResourceNamesUnsubscribe: []string{o.svidName}}); err != nil {
		r.Fail("delta_unsubscribe_quiet", fmt.Errorf("send: %w", err), nil)
		return errFailed
	}
	if extra, err := rx.silent(o.quiet); err != nil {
		r.Fail("delta_unsubscribe_quiet", err, extraFields(extra))
		return errFailed
	}
	r.OK("delta_unsubscribe_quiet", report.Fields{"quiet_ms": o.quiet.Milliseconds()})
	return nil
}

func runFetch(ctx context.Context, r *report.Reporter, client secretv3.SecretDiscoveryServiceClient, o options) error {
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	resp, err := client.FetchSecrets(ctx, &discoveryv3.DiscoveryRequest{Node: node, TypeUrl: secretTypeURL, ResourceNames: []string{o.svidName}})
	if err != nil {
		r.Fail("fetch_svid", fmt.Errorf("FetchSecrets: %w", err), nil)
		return errFailed
	}
	f := sotwFields(resp)
	if resp.GetVersionInfo() == "" {
		r.Fail("fetch_svid", errors.New("response without version_info"), f)
		return errFailed
	}
	if resp.GetTypeUrl() != "" && resp.GetTypeUrl() != secretTypeURL {
		r.Fail("fetch_svid", fmt.Errorf("response type_url %q, want %q", resp.GetTypeUrl(), secretTypeURL), f)
		return errFailed
	}
	if n := len(resp.GetResources()); n != 1 {
		r.Fail("fetch_svid", fmt.Errorf("response carries %d resources, want 1", n), f)
		return errFailed
	}
	s, err := decodeSecret(resp.GetResources()[0])
	if err != nil {
		r.Fail("fetch_svid", err, f)
		return errFailed
	}
	info, err := checkSvidSecret(s, o.svidName, o.expectID)
	for k, v := range info.fields() {
		f[k] = v
	}
	if err != nil {
		r.Fail("fetch_svid", err, f)
		return errFailed
	}
	r.OK("fetch_svid", f)
	return nil
}

func runWaitRotation(ctx context.Context, r *report.Reporter, client secretv3.SecretDiscoveryServiceClient, o options) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, rx, err := openSotw(ctx, client)
	if err != nil {
		r.Fail("rotation_initial", err, nil)
		return errFailed
	}
	defer stream.CloseSend()
	names := []string{o.svidName}
	if err := stream.Send(&discoveryv3.DiscoveryRequest{Node: node, TypeUrl: secretTypeURL, ResourceNames: names}); err != nil {
		r.Fail("rotation_initial", fmt.Errorf("send: %w", err), nil)
		return errFailed
	}
	resp, err := rx.next(10 * time.Second)
	if err != nil {
		r.Fail("rotation_initial", err, nil)
		return errFailed
	}
	first, err := svidFromSotw(resp, o)
	f := sotwFields(resp)
	for k, v := range first.fields() {
		f[k] = v
	}
	if err != nil {
		r.Fail("rotation_initial", err, f)
		return errFailed
	}
	ack := func(resp *discoveryv3.DiscoveryResponse) error {
		return stream.Send(&discoveryv3.DiscoveryRequest{TypeUrl: secretTypeURL, ResourceNames: names, VersionInfo: resp.GetVersionInfo(), ResponseNonce: resp.GetNonce()})
	}
	if err := ack(resp); err != nil {
		r.Fail("rotation_initial", fmt.Errorf("send ACK: %w", err), f)
		return errFailed
	}
	// This line tells the driver that the stream is established: it may now rotate.
	r.OK("rotation_initial", f)

	upd, err := rx.next(o.timeout)
	if err != nil {
		r.Fail("rotation_update", err, nil)
		return errFailed
	}
	next, err := svidFromSotw(upd, o)
	f = sotwFields(upd)
	for k, v := range next.fields() {
		f[k] = v
	}
	f["previous_fingerprint"] = first.fingerprint
	f["previous_serial"] = first.serial
	f["previous_issuer_key_id"] = first.issuerKeyID
	if err != nil {
		r.Fail("rotation_update", err, f)
		return errFailed
	}
	if err := ack(upd); err != nil {
		r.Fail("rotation_update", fmt.Errorf("send ACK: %w", err), f)
		return errFailed
	}
	if next.fingerprint == first.fingerprint {
		r.Fail("rotation_update", errors.New("pushed update carries the same certificate"), f)
		return errFailed
	}
	if upd.GetVersionInfo() == resp.GetVersionInfo() {
		r.Fail("rotation_update", fmt.Errorf("pushed update keeps version_info %q", upd.GetVersionInfo()), f)
		return errFailed
	}
	// Exactly one update: nothing more within the settle window.
	if extra, err := rx.silent(o.settle); err != nil {
		f["extra"] = extraFields(extra)
		r.Fail("rotation_update", fmt.Errorf("more than one update: %w", err), f)
		return errFailed
	}
	f["settle_ms"] = o.settle.Milliseconds()
	r.OK("rotation_update", f)
	return nil
}

func init() {
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: %s -socket /abs/path -scenario sotw|delta|fetch|wait-rotation -expect-id spiffe://td/path [flags]\n", program)
		flag.PrintDefaults()
	}
}
