package io.ztna.proto.pki;

import io.ztna.proto.tls.Revocation;
import io.ztna.proto.tls.VerifiedCrl;

/**
 * The outcome of {@link CrlFile#revoke}.
 *
 * @param revocation the certificate's entry in the CRL
 * @param crl the CRL file's content after the call
 * @param alreadyRevoked true if the CRL listed the certificate before, so nothing was written
 */
public record RevocationResult(Revocation revocation, VerifiedCrl crl, boolean alreadyRevoked) {
}
