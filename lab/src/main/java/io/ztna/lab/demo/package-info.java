/** Demo apps the lab publishes: a web page and a TCP echo. */
package io.ztna.lab.demo;
