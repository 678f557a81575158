package io.ztna.proto.tls;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CRL;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

/**
 * An X.509 CRL whose signature was verified with the key of a trusted CA.
 *
 * @param issuer the CA that signed the CRL
 * @param crlNumber the CRL number extension, or null if the CRL has none
 * @param thisUpdate when the CRL was signed
 * @param nextUpdate when the issuer promises the next CRL, or null if the CRL does not say
 * @param revocations the entries by serial number, sorted by serial number
 */
public record VerifiedCrl(X500Principal issuer, BigInteger crlNumber, Instant thisUpdate,
        Instant nextUpdate, Map<BigInteger, Revocation> revocations) {

    /** The bit of cRLSign in the JDK's keyUsage array (RFC 5280, section 4.2.1.3). */
    private static final int CRL_SIGN = 6;

    /** Copies the entries into an unmodifiable map sorted by serial number. */
    public VerifiedCrl {
        revocations = Collections.unmodifiableSortedMap(new TreeMap<>(revocations));
    }

    /**
     * Reads every CRL in a PEM or DER file and verifies each against the CAs.
     *
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws IOException if the file cannot be read, contains no CRL, or contains a CRL that
     *     no CA in {@code cas} signed. The message names the file.
     */
    public static List<VerifiedCrl> readAll(Path file, Collection<X509Certificate> cas)
            throws IOException {
        Collection<? extends CRL> parsed;
        try (InputStream in = Files.newInputStream(file)) {
            parsed = CertificateFactory.getInstance("X.509").generateCRLs(in);
        } catch (CertificateException | CRLException e) {
            throw new IOException("invalid CRL file " + file + ": " + e.getMessage(), e);
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException("cannot read CRL file " + file + ": " + e, e);
        }
        if (parsed.isEmpty()) {
            throw new IOException("no CRL in file " + file);
        }
        List<VerifiedCrl> crls = new ArrayList<>();
        for (CRL crl : parsed) {
            try {
                crls.add(verify((X509CRL) crl, cas));
            } catch (CRLException e) {
                throw new IOException("invalid CRL file " + file + ": " + e.getMessage(), e);
            }
        }
        return crls;
    }

    /**
     * Verifies the CRL's signature with a CA whose subject is the CRL's issuer and whose key
     * usage, if present, allows signing CRLs.
     *
     * @throws CRLException naming the issuer if no such CA signed it
     */
    public static VerifiedCrl verify(X509CRL crl, Collection<X509Certificate> cas)
            throws CRLException {
        X500Principal issuer = crl.getIssuerX500Principal();
        boolean issuerTrusted = false;
        for (X509Certificate ca : cas) {
            if (!ca.getSubjectX500Principal().equals(issuer) || !maySignCrls(ca)) {
                continue;
            }
            issuerTrusted = true;
            try {
                crl.verify(ca.getPublicKey());
                return of(crl);
            } catch (GeneralSecurityException e) {
                // Several CAs may share a subject after a re-key, so try the others.
            }
        }
        if (!issuerTrusted) {
            throw new CRLException("CRL issuer " + issuer.getName() + " is not a trusted CA"
                    + " allowed to sign CRLs (expected one of " + subjects(cas) + ")");
        }
        throw new CRLException("CRL signature does not verify with the key of any trusted CA"
                + " named " + issuer.getName() + " (the CRL was signed by another key)");
    }

    /** Returns the CRL's entry for the certificate, or null if this CRL does not revoke it. */
    public Revocation find(X509Certificate certificate) {
        if (!issuer.equals(certificate.getIssuerX500Principal())) {
            return null;
        }
        return revocations.get(certificate.getSerialNumber());
    }

    private static VerifiedCrl of(X509CRL crl) throws CRLException {
        Map<BigInteger, Revocation> revocations = new TreeMap<>();
        Set<? extends X509CRLEntry> entries = crl.getRevokedCertificates();
        if (entries != null) {
            for (X509CRLEntry entry : entries) {
                revocations.put(entry.getSerialNumber(), Revocation.of(entry));
            }
        }
        Instant nextUpdate = crl.getNextUpdate() == null
                ? null : crl.getNextUpdate().toInstant();
        return new VerifiedCrl(crl.getIssuerX500Principal(), crlNumber(crl),
                crl.getThisUpdate().toInstant(), nextUpdate, revocations);
    }

    private static BigInteger crlNumber(X509CRL crl) throws CRLException {
        byte[] value = crl.getExtensionValue(Extension.cRLNumber.getId());
        if (value == null) {
            return null;
        }
        try {
            return ASN1Integer.getInstance(JcaX509ExtensionUtils.parseExtensionValue(value))
                    .getValue();
        } catch (IOException | IllegalArgumentException e) {
            throw new CRLException("invalid CRL number extension: " + e.getMessage(), e);
        }
    }

    private static boolean maySignCrls(X509Certificate ca) {
        boolean[] keyUsage = ca.getKeyUsage();
        return keyUsage == null || (keyUsage.length > CRL_SIGN && keyUsage[CRL_SIGN]);
    }

    private static List<String> subjects(Collection<X509Certificate> cas) {
        return cas.stream().map(ca -> ca.getSubjectX500Principal().getName()).toList();
    }
}
