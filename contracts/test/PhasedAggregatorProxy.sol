// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice The Chainlink feed surface a proxy forwards (AggregatorV2V3Interface), declared here.
interface IFeed {
    function decimals() external view returns (uint8);
    function description() external view returns (string memory);
    function version() external view returns (uint256);
    function getRoundData(uint80 roundId) external view returns (uint80, int256, uint256, uint256, uint80);
    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80);
    function latestAnswer() external view returns (int256);
    function latestTimestamp() external view returns (uint256);
    function latestRound() external view returns (uint256);
    function getAnswer(uint256 roundId) external view returns (int256);
    function getTimestamp(uint256 roundId) external view returns (uint256);
}

/// @notice Test helper: the proxy pattern Chainlink consumers read feeds through (Chainlink's
/// `AggregatorProxy` / `EACAggregatorProxy`, written here from its documented behaviour): each
/// aggregator the proxy has pointed at is a phase, and a proxy round id is `phase << 64 | round id`
/// of that phase's aggregator; latest reads go to the current aggregator, historical ones to the
/// aggregator of the id's phase (legacy reads answer 0 for unknown phases, V3 reads revert).
contract PhasedAggregatorProxy {
    uint256 private constant _PHASE_OFFSET = 64;

    uint16 public phaseId;
    mapping(uint16 phase => IFeed feed) public phaseAggregators;

    constructor(IFeed feed) {
        setAggregator(feed);
    }

    /// @notice Starts a new phase with `feed` (the real proxy does this in two owner-only steps).
    function setAggregator(IFeed feed) public {
        phaseId += 1;
        phaseAggregators[phaseId] = feed;
    }

    function aggregator() public view returns (IFeed) {
        return phaseAggregators[phaseId];
    }

    function decimals() external view returns (uint8) {
        return aggregator().decimals();
    }

    function description() external view returns (string memory) {
        return aggregator().description();
    }

    function version() external view returns (uint256) {
        return aggregator().version();
    }

    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredIn) =
            aggregator().latestRoundData();
        return (_proxyId(phaseId, roundId), answer, startedAt, updatedAt, _proxyId(phaseId, answeredIn));
    }

    function getRoundData(uint80 proxyRoundId) external view returns (uint80, int256, uint256, uint256, uint80) {
        (uint16 phase, uint64 round) = _split(proxyRoundId);
        (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredIn) =
            phaseAggregators[phase].getRoundData(round);
        return (_proxyId(phase, roundId), answer, startedAt, updatedAt, _proxyId(phase, answeredIn));
    }

    function latestAnswer() external view returns (int256) {
        return aggregator().latestAnswer();
    }

    function latestTimestamp() external view returns (uint256) {
        return aggregator().latestTimestamp();
    }

    function latestRound() external view returns (uint256) {
        return _proxyId(phaseId, uint80(aggregator().latestRound()));
    }

    function getAnswer(uint256 proxyRoundId) external view returns (int256) {
        if (proxyRoundId > type(uint80).max) return 0;
        (uint16 phase, uint64 round) = _split(uint80(proxyRoundId));
        IFeed feed = phaseAggregators[phase];
        return address(feed) == address(0) ? int256(0) : feed.getAnswer(round);
    }

    function getTimestamp(uint256 proxyRoundId) external view returns (uint256) {
        if (proxyRoundId > type(uint80).max) return 0;
        (uint16 phase, uint64 round) = _split(uint80(proxyRoundId));
        IFeed feed = phaseAggregators[phase];
        return address(feed) == address(0) ? 0 : feed.getTimestamp(round);
    }

    function _proxyId(uint16 phase, uint80 round) private pure returns (uint80) {
        return uint80((uint256(phase) << _PHASE_OFFSET) | round);
    }

    function _split(uint80 proxyRoundId) private pure returns (uint16 phase, uint64 round) {
        return (uint16(proxyRoundId >> _PHASE_OFFSET), uint64(proxyRoundId));
    }
}
