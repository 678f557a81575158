package io.ztna.proto.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.ztna.proto.tls.SpiffeId;
import io.ztna.proto.tls.TlsConfig;
import java.nio.file.Path;

/**
 * The {@code tls} section of a daemon config: PEM files, relative to the config file's folder
 * unless absolute, and the SPIFFE trust domain. {@code crl} is optional and null when absent.
 */
public record TlsSection(Path certificate, Path privateKey, Path ca, String trustDomain,
        Path crl) {

    @JsonCreator
    public TlsSection(
            @JsonProperty(value = "certificate", required = true) Path certificate,
            @JsonProperty(value = "privateKey", required = true) Path privateKey,
            @JsonProperty(value = "ca", required = true) Path ca,
            @JsonProperty(value = "trustDomain", required = true) String trustDomain,
            @JsonProperty("crl") Path crl) {
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.ca = ca;
        this.trustDomain = SpiffeId.checkTrustDomain(trustDomain);
        this.crl = crl;
    }

    /** Returns the TLS settings with paths resolved against {@code baseDir}. */
    public TlsConfig toTlsConfig(Path baseDir) {
        TlsConfig config = new TlsConfig(baseDir.resolve(certificate),
                baseDir.resolve(privateKey), baseDir.resolve(ca), trustDomain);
        return crl == null ? config : config.withCrl(baseDir.resolve(crl));
    }
}
