package io.ztna.lab;

/**
 * An agent port forward given as {@code LOCALPORT=HOST:PORT}: connections to
 * 127.0.0.1:LOCALPORT reach HOST:PORT through the tunnel.
 */
record Forward(int localPort, String host, int port) {

    /** Parses {@code LOCALPORT=HOST:PORT}; HOST may be a bracketed IPv6 literal. */
    static Forward parse(String text) {
        int equals = text.indexOf('=');
        int colon = text.lastIndexOf(':');
        if (equals <= 0 || colon <= equals + 1 || colon == text.length() - 1) {
            throw new IllegalArgumentException("invalid forward '" + text
                    + "' (expected: LOCALPORT=HOST:PORT, for example 2222=ssh.corp.internal:22)");
        }
        int localPort = port(text, text.substring(0, equals));
        String host = text.substring(equals + 1, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new Forward(localPort, host, port(text, text.substring(colon + 1)));
    }

    private static int port(String text, String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // Reported below with the whole value.
        }
        throw new IllegalArgumentException("invalid port '" + value + "' in forward '" + text
                + "' (expected: 1 to 65535)");
    }
}
