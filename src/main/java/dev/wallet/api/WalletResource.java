package dev.wallet.api;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import dev.wallet.WalletEvent;
import dev.wallet.store.WalletLookup;

/**
 * One wallet's balance, as DynamoDB holds it now (a strongly consistent read), for support staff and smoke tests.
 * Balances are personal data: every call needs a signed JWT with the {@value #READER} role.
 */
@Path("/wallets")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(WalletResource.READER)
@SecurityRequirement(name = "jwt")
public class WalletResource {

    static final String READER = "wallet-reader";

    private final WalletLookup wallets;

    public WalletResource(WalletLookup wallets) {
        this.wallets = wallets;
    }

    @GET
    @Path("/{userId}")
    @Operation(summary = "A wallet's balance, version (events applied) and time of its last write")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = WalletView.class)))
    @APIResponse(responseCode = "400", description = "Invalid userId", content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "401", description = "No valid token")
    @APIResponse(responseCode = "403", description = "The token lacks the wallet-reader role")
    @APIResponse(responseCode = "404", description = "No event of this user was ever applied", content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Response get(@PathParam("userId") String userId) {
        // Counted in code points, as the event contract counts a userId: any id an event may carry can be read.
        if (userId.isEmpty() || userId.codePointCount(0, userId.length()) > WalletEvent.MAX_USER_ID_LENGTH) {
            return error(Response.Status.BAD_REQUEST,
                    "userId must be 1 to " + WalletEvent.MAX_USER_ID_LENGTH + " characters");
        }
        return wallets.find(userId).map(WalletView::of).map(view -> Response.ok(view).build())
                .orElseGet(() -> error(Response.Status.NOT_FOUND, "No wallet for this userId"));
    }

    @GET
    @Operation(summary = "An empty userId: always 400")
    @APIResponse(responseCode = "400", content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Response withoutUserId() {
        return get("");
    }

    private static Response error(Response.Status status, String message) {
        return Response.status(status).entity(new ApiError(status.getStatusCode(), message)).build();
    }
}
