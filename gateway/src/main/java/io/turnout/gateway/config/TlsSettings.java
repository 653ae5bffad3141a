package io.turnout.gateway.config;

/**
 * TLS for the HTTPS listener ({@code listen.https}). PEM files, as a Kubernetes TLS Secret holds
 * them ({@code tls.crt}, {@code tls.key}).
 *
 * @param certFile certificate chain, leaf first
 * @param keyFile private key (PKCS#8 or PKCS#1), unencrypted
 */
public record TlsSettings(String certFile, String keyFile) {}
