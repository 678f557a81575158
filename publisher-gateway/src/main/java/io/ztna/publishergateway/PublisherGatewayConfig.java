package io.ztna.publishergateway;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.ztna.proto.config.ConfigException;
import io.ztna.proto.config.ConfigLoader;
import io.ztna.proto.config.HostAndPort;
import io.ztna.proto.config.OwnCertificate;
import io.ztna.proto.config.PortZeroAllowed;
import io.ztna.proto.config.Threads;
import io.ztna.proto.config.TlsSection;
import io.ztna.proto.config.TunnelSection;
import io.ztna.proto.config.Validatable;
import io.ztna.proto.config.ValidationContext;
import io.ztna.proto.mux.TunnelOptions;
import io.ztna.proto.tls.PeerRole;
import io.ztna.proto.tls.TlsConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * The publisher gateway's settings, from its YAML file.
 *
 * @param id this gateway's id, from its certificate
 * @param listen address for publishers and client gateways
 * @param admin address of the admin HTTP endpoint, or null for none
 * @param threads event loop threads; 0 means two per core
 */
public record PublisherGatewayConfig(String id, InetSocketAddress listen, InetSocketAddress admin,
        TlsConfig tls, TunnelOptions tunnelOptions, int threads) {

    /** The YAML layout of the file. */
    record File(HostAndPort listen, HostAndPort admin, TlsSection tls, TunnelSection tunnel,
            Integer threads) implements Validatable {

        @JsonCreator
        File(@JsonProperty(value = "listen", required = true) @PortZeroAllowed HostAndPort listen,
                @JsonProperty("admin") @PortZeroAllowed HostAndPort admin,
                @JsonProperty(value = "tls", required = true) TlsSection tls,
                @JsonProperty("tunnel") TunnelSection tunnel,
                @JsonProperty("threads") Integer threads) {
            this.listen = listen;
            this.admin = admin;
            this.tls = tls;
            this.tunnel = tunnel == null ? TunnelSection.DEFAULTS : tunnel;
            this.threads = threads == null ? 0 : threads;
        }

        @Override
        public void validate(ValidationContext context) throws ConfigException {
            tunnel.validate(context.at("tunnel"));
            Threads.check(context, "threads", threads);
        }
    }

    /** Reads and checks a config file; the error names the file, line and field. */
    public static PublisherGatewayConfig load(Path path) throws ConfigException {
        File file = ConfigLoader.load(path, File.class);
        Path baseDir = path.toAbsolutePath().getParent();
        TlsConfig tls = file.tls().toTlsConfig(baseDir);
        String id = OwnCertificate.check(path, tls, PeerRole.PUBLISHER_GATEWAY).name();
        return new PublisherGatewayConfig(id, file.listen().toSocketAddress(),
                file.admin() == null ? null : file.admin().toSocketAddress(), tls,
                file.tunnel().toOptions(), file.threads());
    }
}
