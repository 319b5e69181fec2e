# Gatehouse API image. glibc-based (bookworm), not Alpine: the native packages
# (argon2 and the embedded PostgreSQL binaries, unused here since the image runs
# against DATABASE_URL) are built for glibc. Optional dependencies are kept:
# @node-rs/argon2 ships its binary as one.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM node:22-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
# The evidence pack ships the audit chain's specification to auditors.
COPY docs ./docs
USER node
EXPOSE 3000
CMD ["node", "dist/apps/api/src/main.js"]
