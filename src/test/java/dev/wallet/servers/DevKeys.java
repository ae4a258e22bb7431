package dev.wallet.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

import io.smallrye.jwt.build.Jwt;

/**
 * A key pair made for one run, never committed: the service verifies the read API's tokens with its public key
 * (PEM files under {@code directory}), and tests and the local run sign tokens with its private key.
 */
public final class DevKeys {

    public static final String ISSUER = "wallet-dev";
    public static final String READER = "wallet-reader";

    private final Path publicKey;
    private final PrivateKey privateKey;

    private DevKeys(Path publicKey, PrivateKey privateKey) {
        this.publicKey = publicKey;
        this.privateKey = privateKey;
    }

    public static DevKeys create(Path directory) {
        KeyPair pair = newPair();
        try {
            Files.createDirectories(directory);
            Path publicKey = directory.resolve("jwt-public.pem");
            Files.writeString(publicKey, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
            return new DevKeys(publicKey, pair.getPrivate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The service's settings to verify tokens signed here, as environment variables. */
    public Map<String, String> serviceEnvironment() {
        return Map.of("MP_JWT_VERIFY_PUBLICKEY_LOCATION", publicKey.toAbsolutePath().toString(),
                "MP_JWT_VERIFY_ISSUER", ISSUER);
    }

    /**
     * The same, as configuration properties for a {@code @QuarkusTest}: the key itself rather than its location,
     * which would lose to the in-memory key pair smallrye-jwt makes for tests when none is configured at build.
     */
    public Map<String, String> serviceConfig() {
        try {
            String pem = Files.readString(publicKey);
            return Map.of("mp.jwt.verify.publickey", pem, "mp.jwt.verify.issuer", ISSUER);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A token with these groups (roles), valid for {@code validity} from now (negative: already expired). */
    public String token(Duration validity, String... groups) {
        return sign(validity, privateKey, groups);
    }

    /** A token signed by a key the service does not know. */
    public static String foreignToken(String... groups) {
        return sign(Duration.ofMinutes(5), newPair().getPrivate(), groups);
    }

    private static String sign(Duration validity, PrivateKey key, String... groups) {
        Instant now = Instant.now();
        return Jwt.issuer(ISSUER).upn("support@example.com").groups(Set.of(groups))
                .issuedAt(now.minus(Duration.ofMinutes(10))).expiresAt(now.plus(validity)).sign(key);
    }

    private static KeyPair newPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
