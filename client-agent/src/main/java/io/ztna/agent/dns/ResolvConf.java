package io.ztna.agent.dns;

import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The {@code nameserver} lines of a resolv.conf file (resolv.conf(5)). */
final class ResolvConf {

    static final Path SYSTEM_FILE = Path.of("/etc/resolv.conf");
    private static final int DNS_PORT = 53;

    private ResolvConf() {
    }

    /**
     * Returns the nameservers in file order, each on port 53. Lines that are comments, other
     * options, or nameservers that are not IP literals are skipped. An IPv6 zone suffix such
     * as {@code %eth0} is dropped.
     *
     * @throws IOException when the file cannot be read
     */
    static List<InetSocketAddress> nameservers(Path file) throws IOException {
        List<InetSocketAddress> servers = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length < 2 || !fields[0].equals("nameserver")) {
                continue;
            }
            String host = fields[1];
            int zone = host.indexOf('%');
            if (zone >= 0) {
                host = host.substring(0, zone);
            }
            if (NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host)) {
                servers.add(new InetSocketAddress(
                        NetUtil.createInetAddressFromIpAddressString(host), DNS_PORT));
            }
        }
        return servers;
    }
}
