"""A generated service with streamed responses and spooled uploads, on a real socket on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from types import ModuleType

import pytest
import uvicorn
from fastapi import FastAPI

from tests.client.packages import generate_client

CONTRACT = """
openapi: 3.1.0
info: {title: streams, version: '1'}
paths:
  /ticks:
    get:
      operationId: watchTicks
      parameters:
        - {name: mode, in: query, required: true, schema: {enum: [finite, endless, bad, quiet, boom]}}
      responses:
        '200':
          description: ticks
          content:
            text/event-stream:
              schema: {$ref: '#/components/schemas/Tick'}
        '400': {description: bad}
        '404': {description: no ticks}
  /events:
    get:
      operationId: watchEvents
      responses:
        '200':
          description: events in OAS 3.2's form, the item in `data`
          content:
            text/event-stream:
              schema:
                type: object
                required: [data, event]
                properties:
                  event: {enum: [tick, message]}
                  id: {type: string}
                  data:
                    type: string
                    contentMediaType: application/json
                    contentSchema: {$ref: '#/components/schemas/Tick'}
  /rows:
    get:
      operationId: exportRows
      parameters:
        - {name: mode, in: query, required: true, schema: {enum: [finite, endless, bad]}}
      responses:
        '200':
          description: rows
          content:
            application/x-ndjson:
              schema: {$ref: '#/components/schemas/Row'}
        '400': {description: bad}
  /files:
    put:
      operationId: putFile
      requestBody:
        required: true
        content:
          application/octet-stream:
            schema: {type: string, format: binary, maxLength: 3000000}
      responses:
        '200':
          description: what arrived
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Received'}
        '400': {description: bad}
        '413':
          description: too large
          content:
            application/json:
              schema:
                type: object
                required: [code, message]
                properties: {code: {type: string}, message: {type: string}}
  /forms:
    post:
      operationId: postForm
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [file, note]
              properties:
                file: {type: string, format: binary, maxLength: 3000000}
                pages: {type: array, maxItems: 2, items: {type: string, format: binary}}
                note: {type: string, minLength: 1}
      responses:
        '200':
          description: what arrived
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Received'}
        '400': {description: bad}
        '413':
          description: too large
          content:
            application/json:
              schema:
                type: object
                required: [code, message]
                properties: {code: {type: string}, message: {type: string}}
components:
  schemas:
    Tick:
      type: object
      required: [seq]
      properties: {seq: {type: integer, minimum: 0}}
    Row:
      type: object
      required: [id, name]
      properties: {id: {type: integer}, name: {type: string, minLength: 1}}
    Received:
      type: object
      required: [size, on_disk, digest]
      properties:
        size: {type: integer}
        on_disk: {type: boolean}
        digest: {type: string}
"""


@pytest.fixture(scope="package")
def streams_client(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """The client package (its service package, `streams_e2e`, is generated beside it)."""
    root = tmp_path_factory.mktemp("streams")
    contract = root / "streams.yaml"
    contract.write_text(CONTRACT, encoding="utf-8")
    return generate_client(contract, root / "out", "streams_e2e")


@pytest.fixture(scope="package")
def streams_service(streams_client: ModuleType) -> ModuleType:
    """The generated service package."""
    import streams_e2e

    return streams_e2e


def serve(app: FastAPI) -> Iterator[str]:
    """Run `app` under uvicorn on a free port of 127.0.0.1 until the generator is closed."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                pytest.fail("the service did not start")
            thread.join(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join()
        sock.close()
