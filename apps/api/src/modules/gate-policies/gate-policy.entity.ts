import { Entity } from 'typeorm';
import { PublishedRowColumns } from '@app/database';
import { GatePolicyDocument } from './gate-policy';

/** One published version of the gate policy. Versions are immutable; the next is max(version) + 1. */
@Entity('gate_policies')
export class GatePolicy extends PublishedRowColumns<GatePolicyDocument> {}
