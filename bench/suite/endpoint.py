"""Where a running server answers; what the load generator is pointed at."""

import dataclasses


@dataclasses.dataclass(frozen=True)
class Endpoint:
    name: str          # "inferd", "nginx", "flask": the key of its measurements
    http: str          # "127.0.0.1:<port>"
    grpc: str = None   # "127.0.0.1:<port>" when the server speaks gRPC

    def address(self, protocol):
        address = self.grpc if protocol == "grpc" else self.http
        if address is None:
            raise ValueError(f"{self.name} does not serve {protocol}")
        return address
