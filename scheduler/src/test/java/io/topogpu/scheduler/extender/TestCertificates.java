package io.topogpu.scheduler.extender;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made for one test: a CA, a server certificate for 127.0.0.1 and localhost, and
 * client certificates signed by it or self-signed, as PEM files (what the extender and
 * kube-scheduler's {@code tlsConfig} read) and as JDK {@link SSLContext}s for test clients.
 */
final class TestCertificates {
  /** A key and its certificate, written as {@code <name>.crt} and {@code <name>.key}. */
  record Issued(KeyPair keys, X509Certificate cert, Path certFile, Path keyFile) {}

  private final Path dir;
  private long serial = 1;

  TestCertificates(Path dir) {
    this.dir = dir;
  }

  Issued ca(String name) {
    KeyPair keys = keyPair();
    return write(name, keys, sign(new X500Name("CN=" + name), keys, new X500Name("CN=" + name),
        keys.getPrivate(), true));
  }

  Issued server(String name, Issued ca) {
    KeyPair keys = keyPair();
    return write(name, keys, sign(new X500Name("CN=" + name), keys, subject(ca), ca.keys().getPrivate(),
        false));
  }

  Issued client(String name, Issued ca) {
    return server(name, ca);
  }

  /** A client certificate signed by nobody the server trusts. */
  Issued selfSigned(String name) {
    KeyPair keys = keyPair();
    return write(name, keys, sign(new X500Name("CN=" + name), keys, new X500Name("CN=" + name),
        keys.getPrivate(), false));
  }

  /** A client that trusts {@code trusted} and presents {@code identity} (may be null: none). */
  static SSLContext clientContext(Issued trusted, Issued identity) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", trusted.cert());
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      if (identity != null) {
        keys.setKeyEntry("me", identity.keys().getPrivate(), new char[0],
            new X509Certificate[] {identity.cert()});
      }
      kmf.init(keys, new char[0]);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X500Name subject(Issued issued) {
    return new X500Name(issued.cert().getSubjectX500Principal().getName());
  }

  private static KeyPair keyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(256);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private X509Certificate sign(X500Name subject, KeyPair keys, X500Name issuer, PrivateKey issuerKey,
      boolean isCa) {
    try {
      Instant now = Instant.now();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(serial++),
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))),
          subject, keys.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
      if (!isCa) {
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.iPAddress, InetAddress.getLoopbackAddress().getHostAddress()),
            new GeneralName(GeneralName.dNSName, "localhost")}));
      }
      ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey);
      return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    } catch (OperatorCreationException | GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private Issued write(String name, KeyPair keys, X509Certificate cert) {
    Path certFile = dir.resolve(name + ".crt");
    Path keyFile = dir.resolve(name + ".key");
    try {
      Files.writeString(certFile, pem(cert));
      Files.writeString(keyFile, pem(keys.getPrivate()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Issued(keys, cert, certFile, keyFile);
  }

  private static String pem(Object o) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o instanceof PrivateKey k ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null) : o);
    }
    return out.toString();
  }
}
