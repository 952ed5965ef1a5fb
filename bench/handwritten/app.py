"""The bench endpoints written by hand in plain FastAPI: the baseline for `bench/serving.py`.

Same model as the generated side (`Item` below mirrors what specfirst emits for the bench
contract), the idiomatic FastAPI way: body parameter, return annotation as response model,
an HTTPBearer dependency decoding the JWT with PyJWT.

    BENCH_JWT_SECRET=... uvicorn app:app --app-dir bench/handwritten
"""

from __future__ import annotations

import os
from typing import Annotated, Any

import jwt
from fastapi import Depends, FastAPI, HTTPException, Path
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import (
    MISSING,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    StrictStr,
)


class ContractModel(BaseModel):
    model_config = ConfigDict(
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        protected_namespaces=(),
    )


def _whole_number(value: Any) -> Any:
    if type(value) is float and value.is_integer():
        return int(value)
    return value


WholeInt = Annotated[StrictInt, BeforeValidator(_whole_number)]


class Item(ContractModel):
    id: Annotated[WholeInt, Field(ge=0)]
    name: Annotated[StrictStr, Field(max_length=100, min_length=1)]
    price: Annotated[StrictFloat, Field(ge=0.0)]
    tags: list[StrictStr] | MISSING = MISSING


ITEMS = [Item(id=i, name=f"item-{i}", price=i * 1.5, tags=["a", "b"]) for i in range(20)]
SECRET = os.environ.get("BENCH_JWT_SECRET", "")
bearer = HTTPBearer(auto_error=False)
UNAUTHORIZED = {"WWW-Authenticate": "Bearer"}


async def principal(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> dict[str, Any]:
    if credentials is None:
        raise HTTPException(401, "missing bearer token", headers=UNAUTHORIZED)
    try:
        return jwt.decode(
            credentials.credentials,
            SECRET,
            algorithms=["HS256"],
            options={"require": ["exp", "sub"]},
        )
    except jwt.PyJWTError:
        raise HTTPException(401, "invalid token", headers=UNAUTHORIZED) from None


app = FastAPI(title="bench (hand-written)")


@app.get("/items")
async def list_items() -> list[Item]:
    return ITEMS


@app.post("/items", status_code=201)
async def create_item(item: Item) -> Item:
    return item


@app.get("/secure/items")
async def list_items_secure(user: Annotated[dict[str, Any], Depends(principal)]) -> list[Item]:
    return ITEMS


@app.post("/secure/items", status_code=201)
async def create_item_secure(
    item: Item, user: Annotated[dict[str, Any], Depends(principal)]
) -> Item:
    return item


@app.get("/items/{item_id}")
async def get_item(item_id: Annotated[int, Path(ge=0)]) -> Item:
    if item_id >= len(ITEMS):
        raise HTTPException(404, "no such item")
    return ITEMS[item_id]
