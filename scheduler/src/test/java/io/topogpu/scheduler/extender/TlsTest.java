package io.topogpu.scheduler.extender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS with client certificates, as kube-scheduler's extender client speaks it ({@code
 * enableHTTPS: true}, {@code tlsConfig.caFile} for the server certificate, {@code certFile} and
 * {@code keyFile} for its own): a client with a certificate the configured CA signed is served;
 * one without a certificate, with a self-signed one, or speaking plain HTTP is not.
 */
class TlsTest {
  @TempDir Path dir;
  private TestCertificates.Issued ca;
  private ExtenderHarness extender;

  @BeforeEach
  void start() {
    TestCertificates certs = new TestCertificates(dir);
    ca = certs.ca("topogpu-ca");
    TestCertificates.Issued server = certs.server("extender", ca);
    extender = new ExtenderHarness(
        FakeBackend.withNodes("n1").withPod("default", "job-0"),
        ExtenderServerOptions.defaults().withPort(0).withShutdownGrace(Duration.ofSeconds(2))
            .withTls(new ExtenderServerOptions.Tls(server.certFile(), server.keyFile(),
                Optional.of(ca.certFile()))));
  }

  @AfterEach
  void stop() {
    extender.close();
  }

  private HttpResponse<String> filter(SSLContext tls, String scheme) throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    return client.send(HttpRequest.newBuilder(
            URI.create(scheme + "://127.0.0.1:" + extender.server.port() + Routes.FILTER))
        .timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(WireRequests.pod("job-0").nodeNames("n1"))).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aClientWithACertificateTheCaSignedIsServed() throws Exception {
    TestCertificates.Issued scheduler = new TestCertificates(dir).client("kube-scheduler", ca);

    HttpResponse<String> reply = filter(TestCertificates.clientContext(ca, scheduler), "https");

    assertThat(reply.statusCode()).isEqualTo(200);
    assertThat(reply.body()).contains("\"NodeNames\":[\"n1\"]");
  }

  @Test
  void aClientWithoutACertificateIsRefusedAtTheHandshake() {
    assertThatThrownBy(() -> filter(TestCertificates.clientContext(ca, null), "https"))
        .isInstanceOf(IOException.class);
  }

  @Test
  void aClientWithASelfSignedCertificateIsRefused() {
    TestCertificates.Issued rogue = new TestCertificates(dir).selfSigned("rogue");

    assertThatThrownBy(() -> filter(TestCertificates.clientContext(ca, rogue), "https"))
        .isInstanceOf(IOException.class);
  }

  @Test
  void aClientThatDoesNotTrustTheServerCertificateRefusesIt() {
    TestCertificates certs = new TestCertificates(dir);
    TestCertificates.Issued otherCa = certs.ca("other-ca");
    TestCertificates.Issued scheduler = certs.client("kube-scheduler-2", ca);

    assertThatThrownBy(() -> filter(TestCertificates.clientContext(otherCa, scheduler), "https"))
        .isInstanceOf(IOException.class);
  }

  @Test
  void plainHttpGetsNoAnswer() {
    assertThatThrownBy(() -> filter(TestCertificates.clientContext(ca, null), "http"))
        .isInstanceOf(IOException.class);
  }
}
