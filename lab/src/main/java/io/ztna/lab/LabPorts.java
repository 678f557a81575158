package io.ztna.lab;

/**
 * Loopback ports the lab uses. Every one can be changed with an option of {@code bin/lab up}.
 *
 * @param socks agent SOCKS5 listener
 * @param clientGateway client gateway cg-1's agent listener
 * @param publisherGateway publisher gateway pg-1's listener
 * @param adminBase first of the admin ports: agent, cg-1, pg-1, pub-1, then in the HA lab cg-2,
 *     pg-2, pub-2; 0 gives each daemon a port the system picks
 * @param demoHttp demo web app
 * @param demoEcho demo TCP echo app
 * @param clientGateway2 client gateway cg-2's agent listener, used by the HA lab only
 * @param publisherGateway2 publisher gateway pg-2's listener, used by the HA lab only
 */
record LabPorts(int socks, int clientGateway, int publisherGateway, int adminBase, int demoHttp,
        int demoEcho, int clientGateway2, int publisherGateway2) {

    /** Ports with cg-2 and pg-2 one above cg-1 and pg-1, as {@code bin/lab up --ha} uses. */
    LabPorts(int socks, int clientGateway, int publisherGateway, int adminBase, int demoHttp,
            int demoEcho) {
        this(socks, clientGateway, publisherGateway, adminBase, demoHttp, demoEcho,
                clientGateway + 1, publisherGateway + 1);
    }

    int agentAdmin() {
        return admin(0);
    }

    int clientGatewayAdmin() {
        return admin(1);
    }

    int publisherGatewayAdmin() {
        return admin(2);
    }

    int publisherAdmin() {
        return admin(3);
    }

    int clientGateway2Admin() {
        return admin(4);
    }

    int publisherGateway2Admin() {
        return admin(5);
    }

    int publisher2Admin() {
        return admin(6);
    }

    private int admin(int offset) {
        return adminBase == 0 ? 0 : adminBase + offset;
    }
}
