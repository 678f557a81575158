/** Capture of app traffic on the device: SOCKS5 proxy, port forwards and direct connections. */
package io.ztna.agent.capture;
