package io.ztna.proto.tls;

import io.ztna.proto.log.LogLimiter;
import java.net.Socket;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts a peer only if its chain validates against the configured CA and its SPIFFE id is in
 * the expected trust domain with one of the accepted roles. With a revocation list, it also
 * rejects a chain that contains a certificate the list revokes.
 *
 * <p>Chain validation, including validity dates and extended key usage, is delegated to a
 * PKIX trust manager that trusts only the CA. Any rejection is thrown from the check methods,
 * so the TLS stack fails the handshake and sends the peer an alert. Each rejection is logged as
 * one WARN line with the peer address, which is known only if the {@link SSLEngine} was created
 * with the peer host and port (see {@link TlsHandlers}). Expired and not yet valid certificates
 * are reported with the certificate's date and the local time, because the usual cause is a
 * wrong clock on one side. Instances are immutable and thread-safe.
 */
final class SpiffeTrustManager extends X509ExtendedTrustManager {
    private static final Logger log = LoggerFactory.getLogger(SpiffeTrustManager.class);

    /**
     * Limits rejection lines to 5 per peer host and minute, so that a host retrying with a bad
     * certificate cannot flood the log. Lines held back are counted into the next one.
     */
    private static final LogLimiter REJECTION_LOG =
            new LogLimiter(5, Duration.ofMinutes(1), Clock.systemUTC());

    private final X509ExtendedTrustManager delegate;
    private final String trustDomain;
    private final Set<PeerRole> acceptedRoles;
    private final Optional<RevocationList> revocations;
    /** The side of this endpoint, "server" or "client", logged as the first field. */
    private final String side;

    SpiffeTrustManager(X509ExtendedTrustManager delegate, String trustDomain,
            Set<PeerRole> acceptedRoles, Optional<RevocationList> revocations, String side) {
        this.delegate = delegate;
        this.trustDomain = trustDomain;
        this.acceptedRoles = Set.copyOf(acceptedRoles);
        this.revocations = revocations;
        this.side = side;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        String peer = peerAddress(engine);
        try {
            delegate.checkClientTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            throw rejectChain(chain, peer, e);
        }
        checkRevocation(chain, peer);
        checkIdentity(chain, peer);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        String peer = peerAddress(engine);
        try {
            delegate.checkServerTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            throw rejectChain(chain, peer, e);
        }
        checkRevocation(chain, peer);
        checkIdentity(chain, peer);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        String peer = peerAddress(socket);
        try {
            delegate.checkClientTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            throw rejectChain(chain, peer, e);
        }
        checkRevocation(chain, peer);
        checkIdentity(chain, peer);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        String peer = peerAddress(socket);
        try {
            delegate.checkServerTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            throw rejectChain(chain, peer, e);
        }
        checkRevocation(chain, peer);
        checkIdentity(chain, peer);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
            throws CertificateException {
        checkClientTrusted(chain, authType, (SSLEngine) null);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
            throws CertificateException {
        checkServerTrusted(chain, authType, (SSLEngine) null);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }

    /**
     * Rejects a chain that contains a revoked certificate. The exception's cause is a
     * {@link CertPathValidatorException} with reason REVOKED, from which netty-tcnative picks
     * the certificate_revoked alert; the JDK provider sends certificate_unknown instead.
     */
    private void checkRevocation(X509Certificate[] chain, String peer)
            throws CertificateException {
        if (revocations.isEmpty()) {
            return;
        }
        for (X509Certificate certificate : chain) {
            Optional<Revocation> revocation = revocations.get().revocation(certificate);
            if (revocation.isPresent()) {
                String message = revocation.get().message(certificate);
                logRejection(peer, "{} TLS handshake rejected: peer={} id={} accepted={} "
                        + "reason={}", side, peer, presentedId(chain), acceptedRoles, message);
                throw new CertificateException(message, new CertPathValidatorException(message,
                        null, null, -1, BasicReason.REVOKED));
            }
        }
    }

    private void checkIdentity(X509Certificate[] chain, String peer) throws CertificateException {
        SpiffeId id;
        try {
            id = PeerIdentity.of(chain[0]);
        } catch (CertificateException e) {
            logRejection(peer, "{} TLS handshake rejected: peer={} id=invalid accepted={} "
                    + "reason={}", side, peer, acceptedRoles, e.getMessage());
            throw e;
        }
        if (!id.trustDomain().equals(trustDomain) || !acceptedRoles.contains(id.role())) {
            logRejection(peer, "{} TLS handshake rejected: peer={} id={} accepted={} "
                    + "trustDomain={}", side, peer, id, acceptedRoles, trustDomain);
            throw new CertificateException("peer id " + id + " rejected (expected role "
                    + acceptedRoles + " in trust domain " + trustDomain + ")");
        }
    }

    /**
     * Logs a failed chain validation and returns the exception to throw. A date problem becomes
     * a {@link CertificateExpiredException} or {@link CertificateNotYetValidException} whose
     * message gives the certificate's date and the local time, with the PKIX error as its cause.
     */
    private CertificateException rejectChain(X509Certificate[] chain, String peer,
            CertificateException cause) {
        CertificateException result = validityProblem(chain, Instant.now());
        if (result == null) {
            result = cause;
        } else {
            result.initCause(cause);
        }
        logRejection(peer, "{} TLS handshake rejected: peer={} id={} accepted={} reason={}",
                side, peer, presentedId(chain), acceptedRoles, result.getMessage());
        return result;
    }

    /**
     * Logs a rejection at WARN unless the peer's host had its lines this minute, with the
     * number held back since as {@code suppressed=N}.
     */
    private static void logRejection(String peer, String format, Object... args) {
        int colon = peer.lastIndexOf(':');
        long suppressed = REJECTION_LOG.acquire(colon > 0 ? peer.substring(0, colon) : peer);
        if (suppressed == LogLimiter.SUPPRESSED) {
            return;
        }
        Object[] withCount = Arrays.copyOf(args, args.length + 1);
        withCount[args.length] = suppressed;
        log.warn(format + " suppressed={}", withCount);
    }

    /** Returns the SPIFFE id of the leaf for a log line, or why there is none. */
    private static String presentedId(X509Certificate[] chain) {
        if (chain.length == 0) {
            return "none";
        }
        try {
            return PeerIdentity.of(chain[0]).toString();
        } catch (CertificateException e) {
            return "invalid";
        }
    }

    /** Returns an exception describing the first certificate in the chain outside its dates. */
    private static CertificateException validityProblem(X509Certificate[] chain, Instant now) {
        for (X509Certificate certificate : chain) {
            Instant notBefore = certificate.getNotBefore().toInstant();
            Instant notAfter = certificate.getNotAfter().toInstant();
            String subject = certificate.getSubjectX500Principal().getName();
            if (now.isBefore(notBefore)) {
                return new CertificateNotYetValidException("certificate is not yet valid:"
                        + " subject=" + subject + " notBefore=" + notBefore + " localTime=" + now
                        + " (check the clocks of both hosts)");
            }
            if (now.isAfter(notAfter)) {
                return new CertificateExpiredException("certificate has expired:"
                        + " subject=" + subject + " notAfter=" + notAfter + " localTime=" + now
                        + " (issue a new certificate or check the local clock)");
            }
        }
        return null;
    }

    private static String peerAddress(SSLEngine engine) {
        if (engine == null || engine.getPeerHost() == null) {
            return "unknown";
        }
        return engine.getPeerHost() + ":" + engine.getPeerPort();
    }

    private static String peerAddress(Socket socket) {
        if (socket == null || socket.getRemoteSocketAddress() == null) {
            return "unknown";
        }
        return socket.getRemoteSocketAddress().toString();
    }
}
