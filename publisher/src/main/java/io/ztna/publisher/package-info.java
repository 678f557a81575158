/** The publisher daemon that dials out to its gateways and connects flows to private apps. */
package io.ztna.publisher;
