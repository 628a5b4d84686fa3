# syntax=docker/dockerfile:1
# Build: docker build -t tlpgateway:0.2.0 .
# Run:   mkdir -p members && cp deploy/members.json members/ && sudo chown -R 1654:1654 members
#        docker run -p 8080:8080 -v $PWD/members:/config -e Gateway__Upstream=https://misp.example.org tlpgateway:0.2.0
# The members file lives in a mounted folder (/config), not a single mounted file: edits replace the
# file (write beside it, then rename), which a single-file mount never shows the container, and the
# folder must be writable by the image's user (app, uid 1654) to edit inside the container.
# Plain HTTP on 8080 is for a TLS-terminating balancer in front; to serve TLS here, set
# ASPNETCORE_URLS=https://+:8443 and Kestrel__Certificates__Default__Path / __KeyPath (docs/operating.md).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/TlpGateway/TlpGateway.csproj src/TlpGateway/
RUN dotnet restore src/TlpGateway/TlpGateway.csproj
COPY src/TlpGateway/ src/TlpGateway/
RUN dotnet publish src/TlpGateway/TlpGateway.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
ENV ASPNETCORE_URLS=http://+:8080 \
    Gateway__MembersFile=/config/members.json \
    Gateway__Audit__Path=/var/lib/tlpgateway/audit/tlpgateway-audit.jsonl
RUN mkdir -p /config /var/lib/tlpgateway/audit && chown app:app /config /var/lib/tlpgateway/audit
VOLUME ["/var/lib/tlpgateway/audit"]
USER app
EXPOSE 8080
# The runtime image has no curl: the gateway probes its own /readyz, at the first address of ASPNETCORE_URLS.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["dotnet", "TlpGateway.dll", "--health-probe"]
ENTRYPOINT ["dotnet", "TlpGateway.dll"]
