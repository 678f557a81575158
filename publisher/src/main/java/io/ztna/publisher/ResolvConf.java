package io.ztna.publisher;

import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the nameservers of a resolv.conf file (resolv.conf(5)), port 53 each. */
final class ResolvConf {

    private ResolvConf() {
    }

    /** Returns the file's nameserver addresses in order; empty when it is missing or has none. */
    static List<InetSocketAddress> nameservers(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
        List<InetSocketAddress> servers = new ArrayList<>();
        for (String line : lines) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length < 2 || !fields[0].equals("nameserver")) {
                continue;
            }
            String address = fields[1];
            int zone = address.indexOf('%');
            byte[] bytes = NetUtil.createByteArrayFromIpAddressString(
                    zone < 0 ? address : address.substring(0, zone));
            if (bytes != null) {
                try {
                    servers.add(new InetSocketAddress(InetAddress.getByAddress(bytes), 53));
                } catch (UnknownHostException e) {
                    // The byte array comes from a parsed literal, so its length is valid.
                }
            }
        }
        return List.copyOf(servers);
    }
}
