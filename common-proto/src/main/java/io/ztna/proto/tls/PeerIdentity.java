package io.ztna.proto.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/** Reads the {@link SpiffeId} that a certificate or a TLS peer presents. */
public final class PeerIdentity {
    /** The GeneralName tag of uniformResourceIdentifier in a SAN (RFC 5280, section 4.2.1.6). */
    private static final int SAN_URI = 6;

    private PeerIdentity() {
    }

    /**
     * Returns the SPIFFE id in the certificate's URI SANs.
     *
     * @throws CertificateException if the certificate has no {@code spiffe://} URI SAN, has more
     *     than one, or the one it has is not a valid ztna id
     */
    public static SpiffeId of(X509Certificate certificate) throws CertificateException {
        List<String> uris = spiffeUris(certificate);
        if (uris.size() != 1) {
            throw new CertificateException("certificate must have exactly one spiffe:// URI SAN,"
                    + " found " + uris.size() + ": subject="
                    + certificate.getSubjectX500Principal().getName());
        }
        try {
            return SpiffeId.parse(uris.get(0));
        } catch (IllegalArgumentException e) {
            throw new CertificateException(e.getMessage(), e);
        }
    }

    /**
     * Returns the SPIFFE id of the first certificate in a PEM file, such as a daemon's own.
     *
     * @throws CertificateException if the file cannot be read or holds no valid id; the message
     *     names the file
     */
    public static SpiffeId ofFile(Path pemFile) throws CertificateException {
        try (InputStream in = Files.newInputStream(pemFile)) {
            Certificate first = CertificateFactory.getInstance("X.509").generateCertificate(in);
            return of((X509Certificate) first);
        } catch (IOException | CertificateException e) {
            throw new CertificateException("cannot read a certificate from " + pemFile + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Returns the SPIFFE id of the peer's leaf certificate in an established session.
     *
     * @throws CertificateException if the peer presented no certificate or no valid id
     */
    public static SpiffeId of(SSLSession session) throws CertificateException {
        Certificate[] chain;
        try {
            chain = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            throw new CertificateException("TLS peer presented no verified certificate", e);
        }
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate)) {
            throw new CertificateException("TLS peer presented no X.509 certificate");
        }
        return of((X509Certificate) chain[0]);
    }

    private static List<String> spiffeUris(X509Certificate certificate)
            throws CertificateParsingException {
        Collection<List<?>> names = certificate.getSubjectAlternativeNames();
        List<String> uris = new ArrayList<>();
        if (names == null) {
            return uris;
        }
        for (List<?> name : names) {
            if (((Integer) name.get(0)) == SAN_URI) {
                String uri = (String) name.get(1);
                if (uri.regionMatches(true, 0, "spiffe://", 0, "spiffe://".length())) {
                    uris.add(uri);
                }
            }
        }
        return uris;
    }
}
