/** The publisher gateway daemon that joins client gateways to the publishers connected to it. */
package io.ztna.publishergateway;
