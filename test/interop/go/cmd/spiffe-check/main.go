// Command spiffe-check exercises a SPIFFE Workload API endpoint with go-spiffe v2, the reference
// Go client, and prints one JSON object per check on stdout. It exits with status 1 if any check
// failed (each failure is also explained on stderr) and 2 on usage or connection set-up errors.
//
// Normal mode: X.509 context (default SVID ID and chain verification against the served
// bundles), X.509 bundles, a JWT-SVID validated locally against the JWT bundles and remotely by
// the endpoint (and rejected for another audience both ways), and the first X.509 context
// update of a watch.
//
// With -expect-denied: FetchX509SVID and FetchJWTSVID must fail with PermissionDenied (the caller
// has no registration entry).
package main

import (
	"context"
	"crypto"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spiffe/go-spiffe/v2/bundle/jwtbundle"
	"github.com/spiffe/go-spiffe/v2/bundle/x509bundle"
	"github.com/spiffe/go-spiffe/v2/spiffeid"
	"github.com/spiffe/go-spiffe/v2/svid/jwtsvid"
	"github.com/spiffe/go-spiffe/v2/svid/x509svid"
	"github.com/spiffe/go-spiffe/v2/workloadapi"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"signet.test/interop/internal/report"
)

const program = "spiffe-check"

func main() {
	socket := flag.String("socket", "", "Workload API address, unix:///abs/path (required)")
	expectID := flag.String("expect-id", "", "SPIFFE ID the default X.509-SVID and the JWT-SVID must carry (required unless -expect-denied)")
	audience := flag.String("audience", "spiffe://interop.test/audience", "audience of the JWT-SVID to fetch and validate")
	expectDenied := flag.Bool("expect-denied", false, "assert that the caller is denied (PermissionDenied) instead")
	timeout := flag.Duration("timeout", 10*time.Second, "deadline of each check")
	flag.Parse()

	if *socket == "" {
		report.Fatal(program, "-socket is required")
	}
	addr := *socket
	if strings.HasPrefix(addr, "/") {
		addr = "unix://" + addr
	}
	r := report.New(program)

	ctx := context.Background()
	client, err := workloadapi.New(ctx, workloadapi.WithAddr(addr))
	if err != nil {
		report.Fatal(program, "cannot create a Workload API client for %s: %v", addr, err)
	}
	defer client.Close()

	if *expectDenied {
		checkDenied(ctx, r, client, *audience, *timeout)
		client.Close()
		r.Exit()
	}

	if *expectID == "" {
		report.Fatal(program, "-expect-id is required")
	}
	want, err := spiffeid.FromString(*expectID)
	if err != nil {
		report.Fatal(program, "-expect-id: %v", err)
	}

	checkX509Context(ctx, r, client, want, *timeout)
	checkX509Bundles(ctx, r, client, want, *timeout)
	checkJWT(ctx, r, client, want, *audience, *timeout)
	checkWatch(ctx, r, client, want, *timeout)
	client.Close()
	r.Exit()
}

func checkDenied(ctx context.Context, r *report.Reporter, client *workloadapi.Client, audience string, timeout time.Duration) {
	c, cancel := context.WithTimeout(ctx, timeout)
	svid, err := client.FetchX509SVID(c)
	cancel()
	if bad := expectCode(err, codes.PermissionDenied); bad != nil {
		f := report.Fields{}
		if svid != nil {
			f["spiffe_id"] = svid.ID.String()
		}
		r.Fail("x509_denied", fmt.Errorf("FetchX509SVID: %w", bad), f)
	} else {
		r.OK("x509_denied", report.Fields{"code": status.Code(err).String(), "message": status.Convert(err).Message()})
	}

	c, cancel = context.WithTimeout(ctx, timeout)
	_, err = client.FetchJWTSVID(c, jwtsvid.Params{Audience: audience})
	cancel()
	if bad := expectCode(err, codes.PermissionDenied); bad != nil {
		r.Fail("jwt_denied", fmt.Errorf("FetchJWTSVID: %w", bad), nil)
	} else {
		r.OK("jwt_denied", report.Fields{"code": status.Code(err).String(), "message": status.Convert(err).Message()})
	}
}

// expectCode returns nil if err is a gRPC status with code want, a descriptive error otherwise.
func expectCode(err error, want codes.Code) error {
	if err == nil {
		return fmt.Errorf("succeeded, want a %s error", want)
	}
	st, ok := status.FromError(err)
	if !ok {
		return fmt.Errorf("failed with a non-gRPC error %q, want %s", err, want)
	}
	if st.Code() != want {
		return fmt.Errorf("failed with %s (%q), want %s", st.Code(), st.Message(), want)
	}
	return nil
}

func svidFields(svid *x509svid.SVID) report.Fields {
	leaf := svid.Certificates[0]
	return report.Fields{
		"spiffe_id":     svid.ID.String(),
		"chain_length":  len(svid.Certificates),
		"serial":        leaf.SerialNumber.Text(16),
		"not_after":     leaf.NotAfter.UTC().Format(time.RFC3339),
		"issuer_key_id": hex.EncodeToString(svid.Certificates[len(svid.Certificates)-1].AuthorityKeyId),
	}
}

func checkX509Context(ctx context.Context, r *report.Reporter, client *workloadapi.Client, want spiffeid.ID, timeout time.Duration) {
	c, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	xc, err := client.FetchX509Context(c)
	if err != nil {
		r.Fail("x509", fmt.Errorf("FetchX509Context: %w (gRPC code %s)", err, status.Code(err)), report.Fields{"code": status.Code(err).String()})
		return
	}
	svid := xc.DefaultSVID()
	if svid == nil || len(svid.Certificates) == 0 {
		r.Fail("x509", errors.New("the X.509 context has no SVID"), nil)
		return
	}
	f := svidFields(svid)
	f["svids"] = len(xc.SVIDs)
	f["bundle_trust_domains"] = trustDomainsX509(xc.Bundles)
	if svid.ID != want {
		r.Fail("x509", fmt.Errorf("default SVID is %s, want %s", svid.ID, want), f)
		return
	}
	if err := keyMatches(svid.PrivateKey, svid.Certificates[0]); err != nil {
		r.Fail("x509", err, f)
		return
	}
	id, chains, err := x509svid.Verify(svid.Certificates, xc.Bundles)
	if err != nil {
		r.Fail("x509", fmt.Errorf("x509svid.Verify against the served bundles: %w", err), f)
		return
	}
	if id != want {
		r.Fail("x509", fmt.Errorf("x509svid.Verify returned %s, want %s", id, want), f)
		return
	}
	f["verified_chains"] = len(chains)
	r.OK("x509", f)
}

func keyMatches(key crypto.Signer, leaf *x509.Certificate) error {
	pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(leaf.PublicKey) {
		return errors.New("the SVID's private key does not match its leaf certificate")
	}
	return nil
}

func trustDomainsX509(set *x509bundle.Set) []string {
	var out []string
	for _, b := range set.Bundles() {
		out = append(out, b.TrustDomain().Name())
	}
	slices.Sort(out)
	return out
}

func checkX509Bundles(ctx context.Context, r *report.Reporter, client *workloadapi.Client, want spiffeid.ID, timeout time.Duration) {
	c, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	set, err := client.FetchX509Bundles(c)
	if err != nil {
		r.Fail("x509_bundles", fmt.Errorf("FetchX509Bundles: %w", err), nil)
		return
	}
	f := report.Fields{"trust_domains": trustDomainsX509(set)}
	b, ok := set.Get(want.TrustDomain())
	if !ok {
		r.Fail("x509_bundles", fmt.Errorf("no bundle for %s", want.TrustDomain()), f)
		return
	}
	f["authorities"] = len(b.X509Authorities())
	if len(b.X509Authorities()) == 0 {
		r.Fail("x509_bundles", fmt.Errorf("the bundle of %s has no X.509 authority", want.TrustDomain()), f)
		return
	}
	r.OK("x509_bundles", f)
}

func checkJWT(ctx context.Context, r *report.Reporter, client *workloadapi.Client, want spiffeid.ID, audience string, timeout time.Duration) {
	c, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	svid, err := client.FetchJWTSVID(c, jwtsvid.Params{Audience: audience})
	if err != nil {
		r.Fail("jwt_svid", fmt.Errorf("FetchJWTSVID: %w", err), nil)
		return
	}
	f := report.Fields{"spiffe_id": svid.ID.String(), "audience": svid.Audience, "expiry": svid.Expiry.UTC().Format(time.RFC3339)}
	if svid.ID != want {
		r.Fail("jwt_svid", fmt.Errorf("JWT-SVID is for %s, want %s", svid.ID, want), f)
		return
	}
	if !slices.Contains(svid.Audience, audience) {
		r.Fail("jwt_svid", fmt.Errorf("JWT-SVID audience %v lacks %q", svid.Audience, audience), f)
		return
	}
	r.OK("jwt_svid", f)
	token := svid.Marshal()

	// Local validation against the JWT bundles served by the endpoint.
	bundles, err := client.FetchJWTBundles(c)
	if err != nil {
		r.Fail("jwt_validate_local", fmt.Errorf("FetchJWTBundles: %w", err), nil)
	} else {
		f := report.Fields{"trust_domains": trustDomainsJWT(bundles)}
		if got, err := jwtsvid.ParseAndValidate(token, bundles, []string{audience}); err != nil {
			r.Fail("jwt_validate_local", fmt.Errorf("jwtsvid.ParseAndValidate: %w", err), f)
		} else if got.ID != want {
			r.Fail("jwt_validate_local", fmt.Errorf("validated ID %s, want %s", got.ID, want), f)
		} else if _, err := jwtsvid.ParseAndValidate(token, bundles, []string{"spiffe://elsewhere.test/other"}); err == nil {
			r.Fail("jwt_validate_local", errors.New("the token also validated for another audience"), f)
		} else {
			f["spiffe_id"] = got.ID.String()
			r.OK("jwt_validate_local", f)
		}
	}

	// Remote validation by the endpoint.
	got, err := client.ValidateJWTSVID(c, token, audience)
	if err != nil {
		r.Fail("jwt_validate_remote", fmt.Errorf("ValidateJWTSVID: %w", err), nil)
		return
	}
	if got.ID != want {
		r.Fail("jwt_validate_remote", fmt.Errorf("ValidateJWTSVID returned %s, want %s", got.ID, want), nil)
		return
	}
	_, err = client.ValidateJWTSVID(c, token, "spiffe://elsewhere.test/other")
	if err == nil {
		r.Fail("jwt_validate_remote", errors.New("ValidateJWTSVID accepted the token for another audience"), nil)
		return
	}
	r.OK("jwt_validate_remote", report.Fields{"spiffe_id": got.ID.String(), "wrong_audience_code": status.Code(err).String()})
}

func trustDomainsJWT(set *jwtbundle.Set) []string {
	var out []string
	for _, b := range set.Bundles() {
		out = append(out, b.TrustDomain().Name())
	}
	slices.Sort(out)
	return out
}

// watcher forwards the first X.509 context update (or watch error) to channels.
type watcher struct {
	updates chan *workloadapi.X509Context
	errs    chan error
}

func (w *watcher) OnX509ContextUpdate(xc *workloadapi.X509Context) {
	select {
	case w.updates <- xc:
	default:
	}
}

func (w *watcher) OnX509ContextWatchError(err error) {
	if status.Code(err) == codes.Canceled {
		return
	}
	select {
	case w.errs <- err:
	default:
	}
}

func checkWatch(ctx context.Context, r *report.Reporter, client *workloadapi.Client, want spiffeid.ID, timeout time.Duration) {
	c, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	w := &watcher{updates: make(chan *workloadapi.X509Context, 1), errs: make(chan error, 1)}
	done := make(chan error, 1)
	go func() { done <- client.WatchX509Context(c, w) }()
	var firstErr error
	for {
		select {
		case xc := <-w.updates:
			cancel()
			<-done
			svid := xc.DefaultSVID()
			if svid == nil {
				r.Fail("watch_x509", errors.New("the first update has no SVID"), nil)
				return
			}
			f := svidFields(svid)
			if svid.ID != want {
				r.Fail("watch_x509", fmt.Errorf("first update's default SVID is %s, want %s", svid.ID, want), f)
				return
			}
			if _, _, err := x509svid.Verify(svid.Certificates, xc.Bundles); err != nil {
				r.Fail("watch_x509", fmt.Errorf("x509svid.Verify: %w", err), f)
				return
			}
			r.OK("watch_x509", f)
			return
		case err := <-w.errs:
			// go-spiffe retries after errors; remember the first one for the report.
			if firstErr == nil {
				firstErr = err
			}
		case <-c.Done():
			<-done
			msg := "no X.509 context update within " + timeout.String()
			if firstErr != nil {
				msg += "; first watch error: " + firstErr.Error()
			}
			r.Fail("watch_x509", errors.New(msg), nil)
			return
		}
	}
}

func init() {
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: %s -socket unix:///path -expect-id spiffe://td/path [-audience aud] [-timeout 10s]\n       %s -socket unix:///path -expect-denied\n", program, program)
		flag.PrintDefaults()
	}
}
